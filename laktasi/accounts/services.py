"""Writes for accounts: TOTP devices of the two-factor login and the security audit log.

The rules that close the "password alone replaces the device" bypass live here, not in the
views: a device is confirmed as a *first* device only for a user without one, and only for
roles that may enrol themselves; replacing a device needs a session verified by the current
device plus the password typed again; administrators reset devices. Every change is logged
(:class:`~laktasi.accounts.models.SecurityEvent`).
"""

from __future__ import annotations

import base64

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from laktasi.accounts.models import SecurityAction, SecurityEvent, User


def security_event_record(
    *, action: str, user: User | None, actor: User | None, detail: str = ""
) -> SecurityEvent:
    """Append one entry to the security audit log (never a password, code or token)."""
    actor = actor if actor is not None and actor.is_authenticated else None
    event = SecurityEvent(
        actor=actor,
        actor_username=actor.get_username() if actor else "",
        user=user,
        username=user.get_username() if user else "",
        action=action,
        detail=detail[:200],
    )
    event.full_clean()
    event.save()
    return event


def has_confirmed_device(user: User) -> bool:
    return user.totpdevice_set.filter(confirmed=True).exists()


def enrols_only_by_invitation(user: User) -> bool:
    """Administrators and coordinators get their first device from an invitation only."""
    return user.is_superuser or user.role in settings.TWO_FACTOR_INVITE_ROLES


def totp_self_enrol_allowed(*, user: User) -> bool:
    """A user may set up a first device after the password step only when they have none and
    their role is not one whose device comes from an administrator's invitation."""
    return not has_confirmed_device(user) and not enrols_only_by_invitation(user)


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The user's unconfirmed TOTP device, created on first use (one per user)."""
    device = user.totpdevice_set.filter(confirmed=False).first()
    if device is None:
        device = TOTPDevice(user=user, name="default", confirmed=False)
        device.full_clean()
        device.save()
    return device


def totp_device_confirm(*, device: TOTPDevice, token: str) -> bool:
    """Confirm a user's *first* device with a valid code (self-enrolment after the password).

    Refused (PermissionDenied) when the user already has a confirmed device or must enrol
    through an invitation: a password alone never replaces a device.
    """
    user = device.user
    if not totp_self_enrol_allowed(user=user):
        raise PermissionDenied("a first device only, and not for invitation-only roles")
    if not device.verify_token(token):
        return False
    with transaction.atomic():
        _confirm(device)
        security_event_record(action=SecurityAction.DEVICE_ENROLLED, user=user, actor=user)
    return True


def totp_device_replace(
    *, device: TOTPDevice, token: str, password: str, session_verified: bool
) -> bool:
    """Replace the user's device by ``device``: only from a session verified by the current
    device, with the password typed again. False for a wrong password or code."""
    user = device.user
    if not session_verified or not has_confirmed_device(user):
        raise PermissionDenied("replacing a device needs a session verified by it")
    if not user.check_password(password) or not device.verify_token(token):
        return False
    with transaction.atomic():
        _confirm(device)
        security_event_record(action=SecurityAction.DEVICE_REPLACED, user=user, actor=user)
    return True


def _confirm(device: TOTPDevice) -> None:
    """Make ``device`` the user's only device (older ones removed)."""
    device.user.totpdevice_set.exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save()


def totp_device_reset(*, user: User, by: User | None) -> int:
    """An administrator (or the CLI operator, ``by=None``) removes every device of ``user``;
    the user then enrols a new one from an invitation. Returns the number removed."""
    if by is not None and not by.is_administrator:
        raise PermissionDenied("only administrators reset devices")
    with transaction.atomic():
        removed, _ = user.totpdevice_set.all().delete()
        security_event_record(
            action=SecurityAction.DEVICE_RESET, user=user, actor=by, detail=f"removed={removed}"
        )
    return removed


def totp_device_enrol(*, user: User, key_hex: str, actor: User | None, detail: str = ""):
    """A confirmed device with a known key, replacing any other (invitations, the demo)."""
    with transaction.atomic():
        user.totpdevice_set.all().delete()
        device = TOTPDevice(user=user, name="default", key=key_hex, confirmed=True)
        device.full_clean()
        device.save()
        security_event_record(
            action=SecurityAction.DEVICE_ENROLLED, user=user, actor=actor, detail=detail
        )
    return device


def totp_device_provision(*, user: User, key_hex: str) -> TOTPDevice:
    """A confirmed device with a known key (used only by the demo and tests)."""
    return totp_device_enrol(user=user, key_hex=key_hex, actor=None, detail="provisioned")


def totp_secret_base32(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed in."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def user_deactivate(*, user: User, by: User) -> None:
    """Deactivate an account (it can no longer log in; its sessions end at the next request,
    its API tokens stop working). Logged; the account and its records are kept."""
    if not by.is_administrator:
        raise PermissionDenied("only administrators deactivate accounts")
    if user.pk == by.pk:
        raise PermissionDenied("administrators cannot deactivate themselves")
    if not user.is_active:
        return
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        security_event_record(action=SecurityAction.USER_DEACTIVATED, user=user, actor=by)
