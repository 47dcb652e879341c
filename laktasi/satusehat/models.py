"""Sending a facility's breastfeeding-support contacts to SATUSEHAT (FACTS §7.6).

- :class:`FacilityLink`: one per reporting facility (puskesmas, PMB, hospital): its SATUSEHAT
  organisation and location ids and its OAuth2 client (the secret encrypted at rest).
- :class:`HealthWorkerIdentity`: a health worker's NIK (encrypted, masked in lists), needed to
  find her on the Master Nakes Index.
- :class:`IhsNumber`: the IHS numbers found (or not) by NIK, so each person is asked once.
- :class:`OutboundRecord`: the send queue, one row per contact, with its state.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from laktasi.core.crypto import EncryptedCharField
from laktasi.core.models import TimeStamped
from laktasi.mothers.validators import validate_nik
from laktasi.places.models import Facility

SANDBOX_URL = "https://api-satusehat-stg.dto.kemkes.go.id"
PRODUCTION_URL = "https://api-satusehat.kemkes.go.id"


class FacilityLink(TimeStamped):
    """A reporting facility's SATUSEHAT registration and client credentials."""

    facility = models.OneToOneField(
        Facility, verbose_name=_("facility"), on_delete=models.CASCADE, related_name="satusehat"
    )
    organization_id = models.CharField(_("SATUSEHAT organisation id"), max_length=64)
    location_id = models.CharField(_("SATUSEHAT location id"), max_length=64)
    base_url = models.URLField(
        _("SATUSEHAT address"),
        default=SANDBOX_URL,
        validators=[URLValidator(schemes=["http", "https"])],
    )
    client_id = models.CharField(_("client id"), max_length=200, blank=True)
    # Never shown again once saved, never logged (docs/satusehat.md).
    client_secret = EncryptedCharField(_("client secret"), blank=True, default="")
    access_token = EncryptedCharField(blank=True, default="", editable=False)
    token_expires_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("SATUSEHAT link")
        verbose_name_plural = _("SATUSEHAT links")

    def __str__(self) -> str:
        return f"{self.facility} → {self.organization_id}"

    @property
    def has_credentials(self) -> bool:
        return bool(self.client_id and self.client_secret)

    @property
    def environment(self) -> str:
        return {SANDBOX_URL: "sandbox", PRODUCTION_URL: "production"}.get(
            self.base_url.rstrip("/"), "other"
        )


class HealthWorkerIdentity(TimeStamped):
    """A laktasi user's NIK, for her Practitioner IHS number. Optional; encrypted at rest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="health_worker_identity",
    )
    nik = EncryptedCharField(_("NIK"), max_length=16, validators=[validate_nik])

    class Meta:
        verbose_name = _("health worker's NIK")
        verbose_name_plural = _("health workers' NIKs")

    def __str__(self) -> str:
        return f"{self.user} {self.nik_masked}"

    @property
    def nik_masked(self) -> str:
        """The NIK as lists show it: only the last four digits (as a mother's)."""
        return ("•" * 12 + self.nik[-4:]) if self.nik else ""


class IhsKind(models.TextChoices):
    PATIENT = "patient", _("mother")
    BABY = "baby", _("baby")
    PRACTITIONER = "practitioner", _("health worker")


class IhsStatus(models.TextChoices):
    FOUND = "found", _("found")
    NOT_FOUND = "not_found", _("not found")
    AMBIGUOUS = "ambiguous", _("more than one match")


class IhsNumber(models.Model):
    """The answer of one Master Patient / Nakes Index lookup, keyed by a keyed hash.

    The key is a keyed hash of what was asked (a NIK; for a baby the mother's NIK, birth date
    and sex), never the NIK itself.
    """

    kind = models.CharField(max_length=16, choices=IhsKind.choices)
    key_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=IhsStatus.choices)
    ihs = models.CharField(max_length=64, blank=True)
    checked_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key_hash"], name="ihs_number_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.status}"


class RecordState(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENT = "sent", _("sent")
    REJECTED = "rejected", _("rejected")
    WAITING_IHS = "waiting_ihs", _("waiting for an IHS number")
    HELD = "held", _("held")


class ContactKind(models.TextChoices):
    ATTENDANCE = "attendance", _("session attended")
    CONSULTATION = "consultation", _("consultation")
    VISIT = "visit", _("follow-up visit")


class OutboundRecord(TimeStamped):
    """One contact of a mother with a health worker, and where it stands with SATUSEHAT.

    ``fingerprint`` is a hash of the resources as they would be sent now; ``sent_fingerprint``
    of what SATUSEHAT last accepted, so a changed record is sent again (as an update of the
    ids in ``remote_ids``), an unchanged one never.
    """

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=ContactKind.choices)
    source_pk = models.PositiveBigIntegerField()
    mother = models.ForeignKey(
        "mothers.Mother", null=True, on_delete=models.CASCADE, related_name="+"
    )
    label = models.CharField(max_length=80)  # e.g. "visit 12 (LK-7QK2M4XA)": no personal data
    state = models.CharField(max_length=16, choices=RecordState.choices)
    reason = models.CharField(max_length=300, blank=True)
    message = models.TextField(blank=True)  # the server's OperationOutcome text when rejected
    fingerprint = models.CharField(max_length=64, blank=True)
    sent_fingerprint = models.CharField(max_length=64, blank=True)
    remote_ids = models.JSONField(default=dict, blank=True)
    uncertain = models.BooleanField(default=False)  # a send failed in flight: search first
    attempts = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "source_pk"], name="outbound_one_per_contact")
        ]
        indexes = [models.Index(fields=["facility", "state"])]
        ordering = ["facility", "kind", "source_pk"]

    def __str__(self) -> str:
        return f"{self.label} {self.state}"
