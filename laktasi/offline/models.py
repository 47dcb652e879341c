"""A field worker's choice of the facilities (posyandu) whose pages go on her phone."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from laktasi.places.models import Facility


class OfflineFacility(models.Model):
    """One facility a field worker takes offline. No rows: all of her scope (the default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="offline_facilities",
    )
    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), on_delete=models.CASCADE, related_name="+"
    )
    chosen_at = models.DateTimeField(_("chosen at"), auto_now_add=True)

    class Meta:
        verbose_name = _("facility taken offline")
        verbose_name_plural = _("facilities taken offline")
        constraints = [
            models.UniqueConstraint(fields=["user", "facility"], name="offline_facility_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.facility_id}"
