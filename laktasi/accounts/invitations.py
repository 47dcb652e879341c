"""Invitations: one-time links an administrator issues to set up an account.

The token is 32 random bytes (URL-safe); only its SHA-256 is stored, so a database copy does
not hold usable links. A link expires (``LAKTASI_INVITATION_HOURS``), works once, and can be
revoked. Accepting it sets a password (the validators ask for 12 characters or more) and, for
roles that need two factors, enrols the authenticator in the same step, so an administrator's
or coordinator's first device is always tied to a link an administrator handed out.

Bound to an existing user (``user=``), the same link resets that user's password and device
(the administrator's reset). Any channel that hands out links (this page, a QR code, a chat
message) reuses :func:`invitation_issue` and :func:`invitation_accept`.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import default_key

from laktasi.accounts.models import Invitation, Role, SecurityAction, User
from laktasi.accounts.services import (
    security_event_record,
    totp_device_enrol,
    totp_device_reset,
)


def invitation_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def role_needs_device(role: str, *, superuser: bool = False) -> bool:
    """True when accounts of this role must enrol an authenticator when accepting."""
    return superuser or role in settings.TWO_FACTOR_ROLES


def invitation_issue(
    *, by: User | None, role: str, facility=None, user: User | None = None
) -> tuple[Invitation, str]:
    """Issue an invitation; returns (invitation, raw token). The raw token is shown once.

    ``by`` must be an administrator (``None`` is the command-line operator). With ``user``,
    the user's devices are removed now (logged) and the link sets a new password and device.
    """
    if by is not None and not by.is_administrator:
        raise PermissionDenied("only administrators issue invitations")
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    raw = secrets.token_urlsafe(32)
    hours = settings.INVITATION_HOURS
    invitation = Invitation(
        token_hash=invitation_digest(raw),
        role=user.role if user is not None else role,
        facility=facility,
        user=user,
        created_by=by,
        expires_at=timezone.now() + timedelta(hours=hours),
    )
    invitation.full_clean()
    with transaction.atomic():
        if user is not None:
            totp_device_reset(user=user, by=by)
        invitation.save()
        security_event_record(
            action=SecurityAction.INVITATION_ISSUED,
            user=user,
            actor=by,
            detail=f"invitation={invitation.pk} role={invitation.role} hours={hours}",
        )
    return invitation, raw


def invitation_find(*, raw: str) -> Invitation | None:
    """The usable (not expired, accepted or revoked) invitation of a raw token, else None."""
    raw = (raw or "").strip()
    if not raw or len(raw) > 100:
        return None
    invitation = (
        Invitation.objects.select_related("user", "facility")
        .filter(token_hash=invitation_digest(raw))
        .first()
    )
    return invitation if invitation is not None and invitation.usable else None


def invitation_revoke(*, invitation: Invitation, by: User) -> None:
    if not by.is_administrator:
        raise PermissionDenied("only administrators revoke invitations")
    if invitation.revoked_at is None and invitation.accepted_at is None:
        Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
        security_event_record(
            action=SecurityAction.INVITATION_REVOKED,
            user=invitation.user,
            actor=by,
            detail=f"invitation={invitation.pk}",
        )


def new_totp_key() -> str:
    """A fresh TOTP key (hex), kept in the session until the invitation is accepted."""
    return default_key()


def totp_code_valid(key_hex: str, code: str) -> bool:
    """Whether ``code`` is the current (±1 step) code of ``key_hex``."""
    if not code.isdigit() or len(code) > 8:
        return False
    return TOTP(bytes.fromhex(key_hex)).verify(int(code), tolerance=1)


@dataclass(frozen=True)
class Acceptance:
    username: str
    password: str
    first_name: str = ""
    last_name: str = ""
    totp_key_hex: str = ""
    totp_code: str = ""


def invitation_accept(*, invitation: Invitation, data: Acceptance) -> User:
    """Create (or reset) the account, set its password and enrol its device; all or nothing."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not locked.usable:
            raise ValidationError(_("This invitation link has expired or was already used."))
        user = _account(locked, data)
        if role_needs_device(user.role, superuser=user.is_superuser):
            if not data.totp_key_hex or not totp_code_valid(data.totp_key_hex, data.totp_code):
                raise ValidationError(
                    {"totp_code": _("That code is not valid. Check the time on your phone.")}
                )
            device = totp_device_enrol(
                user=user,
                key_hex=data.totp_key_hex,
                actor=user,
                detail=f"invitation={locked.pk}",
            )
            # The code just typed cannot be replayed at the next verification.
            device.last_t = TOTP(device.bin_key, device.step, device.t0, device.digits).t()
            device.save(update_fields=["last_t"])
        if locked.facility_id:
            locked.facility.staff.add(user)
        locked.accepted_at, locked.accepted_by = timezone.now(), user
        locked.save(update_fields=["accepted_at", "accepted_by"])
        security_event_record(
            action=SecurityAction.INVITATION_ACCEPTED,
            user=user,
            actor=user,
            detail=f"invitation={locked.pk}",
        )
    return user


def _account(invitation: Invitation, data: Acceptance) -> User:
    user = invitation.user
    if user is None:
        username = " ".join(data.username.split())
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": _("This username is already taken.")})
        user = User(
            username=username,
            role=invitation.role,
            first_name=data.first_name.strip(),
            last_name=data.last_name.strip(),
            # An administrator role is a superuser, as the demo's and createsuperuser's are.
            is_staff=invitation.role == Role.ADMIN,
            is_superuser=invitation.role == Role.ADMIN,
        )
        user.full_clean(exclude=["password"])
    validate_password(data.password, user)
    user.set_password(data.password)
    user.save()
    return user
