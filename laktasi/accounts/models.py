"""Users and their roles, invitations, and the security audit log of account changes.

Where a user works (facilities, programs) lives in those apps; an invitation may name a
facility the new user joins (a lazy reference: accounts imports nothing of places).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("administrator")
    COORDINATOR = "coordinator", _("coordinator")
    MIDWIFE = "bidan", _("midwife (bidan)")
    CADRE = "kader", _("cadre (kader)")
    VIEWER = "viewer", _("viewer (aggregates only)")


class User(AbstractUser):
    """A laktasi user. The role decides which personal data the scoping selectors return."""

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.VIEWER)
    is_demo = models.BooleanField(
        _("demo account"), default=False, help_text=_("Demo accounts cannot log in in production.")
    )
    credentials_changed_at = models.DateTimeField(
        _("password or role last changed"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("API tokens created before this moment no longer work."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_role = instance.__dict__.get("role")
        return instance

    def save(self, *args, **kwargs):
        # A new password or a new role ends every API token issued before it: a token must
        # never carry an old password's or an old role's trust.
        loaded_role = getattr(self, "_loaded_role", None)
        changed = self._password is not None or (
            loaded_role is not None and loaded_role != self.role
        )
        if self.pk is not None and changed:
            self.credentials_changed_at = timezone.now()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "credentials_changed_at"}
        super().save(*args, **kwargs)
        self._loaded_role = self.role

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def sees_personal_data(self) -> bool:
        """Viewers see aggregates only, never names."""
        return self.is_active and (self.is_administrator or self.role != Role.VIEWER)


class Invitation(models.Model):
    """A one-time link an administrator gives a person to set up an account (or, bound to an
    existing user, to set a new password and a new two-factor device).

    Only the SHA-256 of the random token is stored; the link is shown once to the issuer.
    Reusable by any channel that hands out links (a page, a QR code, a chat message).
    """

    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    facility = models.ForeignKey(
        "places.Facility",
        verbose_name=_("facility"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Optional: the new user joins this facility's staff."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("existing user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Set: a reset of this user's password and device. Empty: a new account."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("issued at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} ({self.created_at:%d/%m/%Y})"

    @property
    def usable(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class SecurityAction(models.TextChoices):
    DEVICE_ENROLLED = "device_enrolled", _("two-factor device enrolled")
    DEVICE_REPLACED = "device_replaced", _("two-factor device replaced")
    DEVICE_RESET = "device_reset", _("two-factor device reset by an administrator")
    DEVICE_REMOVED = "device_removed", _("two-factor device removed")
    INVITATION_ISSUED = "invitation_issued", _("invitation issued")
    INVITATION_ACCEPTED = "invitation_accepted", _("invitation accepted")
    INVITATION_REVOKED = "invitation_revoked", _("invitation revoked")
    INVITATION_SHARED = "invitation_shared", _("invitation link shared by WhatsApp")
    USER_DEACTIVATED = "user_deactivated", _("account deactivated")
    STAFF_MOVED = "staff_moved", _("moved to another facility")


class SecurityEvent(models.Model):
    """One change to a user's credentials (two-factor devices, invitations). Append-only.

    Users are kept by foreign key and by username, so an entry outlives the account.
    """

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_username = models.CharField(_("done by (username)"), max_length=150, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("account (username)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=24, choices=SecurityAction.choices)
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security audit log")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_username} {self.action} {self.username}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("security events are append-only")
        super().save(*args, **kwargs)
