"""Tells the page (data attributes on <body>) whether and for whom offline work is on."""

from django.conf import settings
from django.http import HttpRequest

from laktasi.offline.identity import cache_id, offline_enabled
from laktasi.offline.strings import offline_strings


def offline(request: HttpRequest) -> dict[str, object]:
    """``OFFLINE_ID`` is empty unless the user is a field worker (see identity.py)."""
    user = getattr(request, "user", None)
    enabled = offline_enabled(user)
    return {
        "OFFLINE_ID": cache_id(user) if enabled else "",
        "OFFLINE_DAYS": settings.LAKTASI_OFFLINE_DAYS,
        "OFFLINE_STRINGS": offline_strings if enabled else None,
    }
