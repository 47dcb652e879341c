"""Two-factor devices of the demo's administrator and coordinator (never in production).

The demo shows the real login: demo-admin and demo-koordinator must enter a TOTP code, from
an authenticator app given the secret below, or from ``laktasi demo_code USERNAME``. The key
is public on purpose: demo accounts cannot log in in production mode.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from laktasi.accounts.models import User
from laktasi.accounts.services import totp_device_provision, totp_secret_base32

DEMO_TOTP_KEY = "6c616b746173692d64656d6f2d746f74702d6b6579"  # hex of "laktasi-demo-totp-key"


def demo_totp_provision(*, user: User) -> TOTPDevice:
    if settings.PRODUCTION or not user.is_demo:
        raise PermissionDenied("demo TOTP devices are for demo users outside production")
    return totp_device_provision(user=user, key_hex=DEMO_TOTP_KEY)


def demo_totp_secret() -> str:
    return totp_secret_base32(TOTPDevice(key=DEMO_TOTP_KEY))


def demo_totp_code(*, user: User) -> str:
    """The code the demo user's authenticator would show now."""
    if settings.PRODUCTION or not user.is_demo:
        raise PermissionDenied("only for demo users outside production")
    device = user.totpdevice_set.get(confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
