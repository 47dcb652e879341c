"""The access log: who opened or exported which mother's personal data, and when."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessAction(models.TextChoices):
    VIEW = "view", _("viewed")
    LIST = "list", _("listed (API)")
    EDIT = "edit", _("opened for correction")
    MOVE = "move", _("moved to another facility")
    CONTACT = "contact", _("WhatsApp message started")
    EXPORT_JSON = "export_json", _("exported (JSON)")
    EXPORT_PDF = "export_pdf", _("exported (PDF)")
    HISTORY = "history", _("viewed change history")
    RESTRICT = "restrict", _("restricted processing")
    UNRESTRICT = "unrestrict", _("lifted restriction")
    ERASE = "erase", _("erased (anonymised)")


class AccessLogEntry(models.Model):
    """One read or export of a mother's personal data. Never holds the data itself.

    The mother is kept by pk and laktasi identifier (random, not personal), not by a foreign
    key: the log outlives her erasure and is append-only.
    """

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    mother_pk = models.PositiveBigIntegerField(_("mother (pk)"), db_index=True)
    mother_identifier = models.CharField(_("laktasi identifier"), max_length=11)
    action = models.CharField(_("action"), max_length=16, choices=AccessAction.choices)
    channel = models.CharField(_("channel"), max_length=8, default="web")

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.username} {self.action} {self.mother_identifier}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("access log entries are append-only")
        super().save(*args, **kwargs)
