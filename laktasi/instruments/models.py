"""Responses: one filled-in instrument for one mother at one timepoint."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from laktasi.core.models import TimeStamped
from laktasi.mothers.models import Companion, Mother
from laktasi.programs.models import Program, Session


class Timepoint(models.TextChoices):
    PRE = "pre", _("pre (before)")
    POST = "post", _("post (after)")
    FOLLOWUP = "followup", _("follow-up")


class Source(models.TextChoices):
    WEB = "web", _("web form")
    PAPER = "paper", _("paper, typed in")
    IMPORT = "import", _("spreadsheet import")
    ODK = "odk", _("ODK / KoboToolbox")
    API = "api", _("API")
    SELF = "self", _("filled in by the mother herself")


class Observer(models.TextChoices):
    PRIMARY = "primary", _("first observer")
    SECOND = "second", _("second observer (agreement check)")


class Response(TimeStamped):
    """Answers to one instrument version, scored by ``laktasi.instruments.scoring``.

    The instrument id and version are kept, so an old response stays scorable after the
    instrument changes. ``submission_uuid`` is the idempotency key of imports and API clients.
    """

    submission_uuid = models.UUIDField(_("submission UUID"), default=uuid.uuid4, unique=True)
    mother = models.ForeignKey(
        Mother, verbose_name=_("mother"), on_delete=models.CASCADE, related_name="responses"
    )
    program = models.ForeignKey(
        Program,
        verbose_name=_("program"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="responses",
    )
    session = models.ForeignKey(
        Session,
        verbose_name=_("session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responses",
    )
    instrument_id = models.CharField(_("instrument"), max_length=64)
    instrument_version = models.CharField(_("instrument version"), max_length=16)
    timepoint = models.CharField(_("timepoint"), max_length=10, choices=Timepoint.choices)
    followup_number = models.PositiveSmallIntegerField(
        _("follow-up number"), default=0, help_text=_("0 for pre and post.")
    )
    observer = models.CharField(
        _("observer"), max_length=10, choices=Observer.choices, default=Observer.PRIMARY
    )
    performed_by_companion = models.ForeignKey(
        Companion,
        verbose_name=_("performed by companion"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responses",
        help_text=_("For the oxytocin-massage checklist: who did the massage."),
    )
    answers = models.JSONField(_("answers"), default=dict)
    score_pct = models.FloatField(_("score (%)"), null=True, blank=True)
    category = models.CharField(_("category"), max_length=32, blank=True)
    complete = models.BooleanField(_("complete"), default=True)
    details = models.JSONField(_("scoring details"), default=dict, blank=True)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("collected by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    collected_at = models.DateTimeField(_("collected at"), default=timezone.now)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    history = HistoricalRecords(excluded_fields=["details"])

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["mother", "instrument_id", "collected_at"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "program",
                    "mother",
                    "instrument_id",
                    "timepoint",
                    "followup_number",
                    "observer",
                ],
                name="response_one_per_timepoint",
                violation_error_message=_(
                    "This instrument is already recorded for this mother at this timepoint."
                ),
            ),
        ]
        indexes = [models.Index(fields=["program", "instrument_id", "timepoint"])]

    def __str__(self) -> str:
        return f"{self.instrument_id} v{self.instrument_version} {self.get_timepoint_display()}"
