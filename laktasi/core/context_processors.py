"""Template context shared by every page."""

from django.conf import settings
from django.http import HttpRequest


def laktasi(request: HttpRequest) -> dict[str, object]:
    """Expose the mode so templates can show a demo banner."""
    return {"LAKTASI_MODE": settings.MODE, "LAKTASI_PRODUCTION": settings.PRODUCTION}
