"""Writes for accounts: TOTP devices of the two-factor login."""

from __future__ import annotations

import base64

from django_otp.plugins.otp_totp.models import TOTPDevice

from laktasi.accounts.models import User


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The user's unconfirmed TOTP device, created on first use (one per user)."""
    device = user.totpdevice_set.filter(confirmed=False).first()
    if device is None:
        device = TOTPDevice(user=user, name="default", confirmed=False)
        device.full_clean()
        device.save()
    return device


def totp_device_confirm(*, device: TOTPDevice, token: str) -> bool:
    """Confirm a pending device with a first valid code; older devices are removed."""
    if not device.verify_token(token):
        return False
    device.user.totpdevice_set.exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save()
    return True


def totp_device_provision(*, user: User, key_hex: str) -> TOTPDevice:
    """A confirmed device with a known key (used only by the demo, outside production)."""
    user.totpdevice_set.all().delete()
    device = TOTPDevice(user=user, name="default", key=key_hex, confirmed=True)
    device.full_clean()
    device.save()
    return device


def totp_secret_base32(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed in."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")
