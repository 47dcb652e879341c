"""Two-factor enforcement: who owes a TOTP code is sent to verify (or set up) before anything.

Owed by administrators, coordinators (and bidan in production: ``TWO_FACTOR_ROLES``) and by
anyone who has enrolled a device: a kader who turned on two factors is asked at every login.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

# Pages a user who still owes a second factor may open: the 2FA pages themselves, invitation
# links, logging out and switching language (static files are checked by prefix).
OPEN_URL_NAMES = (
    "accounts:otp_setup",
    "accounts:otp_verify",
    "accounts:invite",
    "logout",
    "set_language",
)


def two_factor_required(user) -> bool:
    """True when this user's role must use two-factor authentication."""
    if not settings.TWO_FACTOR_REQUIRED or not user.is_authenticated:
        return False
    return user.is_superuser or user.role in settings.TWO_FACTOR_ROLES


def second_factor_owed(user) -> bool:
    """True when this logged-in user must still type a code: their role requires it, or they
    have a confirmed device (``TWO_FACTOR_REQUIRED = False`` switches both off, dev only)."""
    if not settings.TWO_FACTOR_REQUIRED or not user.is_authenticated or user.is_verified():
        return False
    if two_factor_required(user):
        return True
    return user.totpdevice_set.filter(confirmed=True).exists()


class RequireTwoFactorMiddleware:
    """Redirect users who owe a second factor to TOTP setup or verification.

    Comes after django-otp's OTPMiddleware, which sets ``request.user.is_verified()``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if second_factor_owed(user) and not self._open(request):
            has_device = user.totpdevice_set.filter(confirmed=True).exists()
            target = "accounts:otp_verify" if has_device else "accounts:otp_setup"
            return redirect(f"{reverse(target)}?next={request.path}")
        return self.get_response(request)

    @staticmethod
    def _open(request) -> bool:
        path = request.path
        if path.startswith(("/" + settings.STATIC_URL.lstrip("/"), "/favicon")):
            return True
        try:
            match = resolve(path)
        except Resolver404:
            return False
        return match.view_name in OPEN_URL_NAMES
