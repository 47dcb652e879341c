"""Users and their roles. Where a user works (facilities, programs) lives in those apps."""

from django.contrib.auth.models import AbstractUser
from django.db import models
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

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def sees_personal_data(self) -> bool:
        """Viewers see aggregates only, never names."""
        return self.is_active and (self.is_administrator or self.role != Role.VIEWER)
