"""Two-factor enforcement: administrators and coordinators verify a TOTP code before anything."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

# Paths a user who still owes a second factor may open: the 2FA pages themselves, logging
# out, switching language and static files.
OPEN_URL_NAMES = ("accounts:otp_setup", "accounts:otp_verify", "logout", "set_language")


def two_factor_required(user) -> bool:
    """True when this user's role must use two-factor authentication."""
    if not settings.TWO_FACTOR_REQUIRED or not user.is_authenticated:
        return False
    return user.is_superuser or user.role in settings.TWO_FACTOR_ROLES


class RequireTwoFactorMiddleware:
    """Redirect administrators and coordinators to TOTP setup or verification.

    Comes after django-otp's OTPMiddleware, which sets ``request.user.is_verified()``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if two_factor_required(user) and not user.is_verified() and not self._open(request):
            has_device = user.totpdevice_set.filter(confirmed=True).exists()
            target = "accounts:otp_verify" if has_device else "accounts:otp_setup"
            return redirect(f"{reverse(target)}?next={request.path}")
        return self.get_response(request)

    @staticmethod
    def _open(request) -> bool:
        path = request.path
        if path.startswith(("/" + settings.STATIC_URL.lstrip("/"), "/favicon")):
            return True
        return any(path == reverse(name) for name in OPEN_URL_NAMES)
