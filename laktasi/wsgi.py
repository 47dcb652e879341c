"""WSGI entry point (waitress in ``laktasi serve``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laktasi.settings")
application = get_wsgi_application()
