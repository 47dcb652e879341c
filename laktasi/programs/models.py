"""Programs, their sessions with agendas, enrolment and attendance."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laktasi.core.models import TimeStamped
from laktasi.mothers.models import Companion, Mother
from laktasi.places.models import Facility, Region


class ProgramKind(models.TextChoices):
    COMMUNITY_SERVICE = "community_service", _("community service (pengabdian masyarakat)")
    PUSKESMAS_ROUTINE = "puskesmas_routine", _("puskesmas routine program")
    RESEARCH = "research", _("research")


class Program(TimeStamped):
    """An education and training program, e.g. pijat oksitosin training in one village."""

    title = models.CharField(_("title"), max_length=200)
    organiser = models.CharField(_("organising institution"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=ProgramKind.choices)
    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), on_delete=models.PROTECT, related_name="programs"
    )
    villages = models.ManyToManyField(
        Region, verbose_name=_("villages"), related_name="programs", blank=True
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    # The same description for the English interface; the Indonesian one is shown when empty.
    description_en = models.TextField(_("description in English"), blank=True)
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("team"), related_name="programs", blank=True
    )
    video_url = models.URLField(_("video tutorial link"), blank=True)
    is_demo = models.BooleanField(
        _("demo data"),
        default=False,
        help_text=_("Synthetic data loaded by 'laktasi demo'; shown as demo data everywhere."),
    )
    knowledge_bands = models.JSONField(
        _("knowledge bands"),
        default=dict,
        blank=True,
        help_text=_(
            'Override of the Baik/Cukup cut-offs in percent, e.g. {"baik": 76, "cukup": 56}.'
        ),
    )
    instrument_plan = models.JSONField(
        _("instruments per timepoint"),
        default=dict,
        blank=True,
        help_text=_(
            'The instruments the team plans to use, e.g. {"pre": ["knowledge_test"], '
            '"post": ["knowledge_test"], "followup": ["feeding_recall_24h"]}.'
        ),
    )

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["-start_date", "title"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})


class Enrollment(models.Model):
    """A mother taking part in a program."""

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="enrollments"
    )
    mother = models.ForeignKey(
        Mother, verbose_name=_("mother"), on_delete=models.CASCADE, related_name="enrollments"
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["program", "mother"], name="enrollment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.mother} – {self.program}"


class Session(TimeStamped):
    """One meeting of a program, with its agenda."""

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="sessions"
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("date and time"))
    venue = models.CharField(_("venue"), max_length=200)
    facilitator = models.CharField(_("facilitator"), max_length=200)
    # The health worker answerable for the session (laktasi.satusehat sends its attendance
    # under her name); the free-text facilitator may be a team or a guest.
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible health worker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return self.title or f"{self.program} {self.starts_at:%d/%m/%Y}"

    @property
    def total_minutes(self) -> int:
        return sum(item.duration_minutes for item in self.agenda_items.all())


class AgendaKind(models.TextChoices):
    PRESENTATION = "presentation", _("material presentation")
    VIDEO = "video", _("video tutorial")
    DEMONSTRATION = "demonstration", _("demonstration")
    PRACTICE = "practice", _("hands-on practice")
    CONSULTATION = "consultation", _("consultation")
    QA = "qa", _("questions and answers")
    LEAFLET = "leaflet", _("leaflet handout")
    PRETEST = "pretest", _("pre-test")
    POSTTEST = "posttest", _("post-test")


class AgendaItem(models.Model):
    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=16, choices=AgendaKind.choices)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    notes = models.CharField(_("notes"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["session", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.duration_minutes} min)"


class Attendance(models.Model):
    """A mother at a session, and whether her companion came too."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="attendance"
    )
    mother = models.ForeignKey(
        Mother, verbose_name=_("mother"), on_delete=models.CASCADE, related_name="attendance"
    )
    companion_present = models.BooleanField(_("companion present"), default=False)
    companion = models.ForeignKey(
        Companion,
        verbose_name=_("companion"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attendance",
    )
    # FACTS §15 [U]: a pregnant participant observes and practises on a model or picture.
    pregnant = models.BooleanField(_("pregnant at this session"), default=False)
    antenatal_expression_cleared = models.BooleanField(
        _("bidan has screened her for hand expression before the birth (≥ 37 weeks, low risk)"),
        default=False,
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "mother"], name="attendance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.mother} @ {self.session}"

    def clean(self) -> None:
        if self.companion_id and self.companion.mother_id != self.mother_id:
            raise ValidationError({"companion": _("This companion belongs to another mother.")})
        if self.antenatal_expression_cleared and not self.pregnant:
            raise ValidationError(
                {"antenatal_expression_cleared": _("Only a pregnant participant is screened "
                                                   "for hand expression before the birth.")}
            )  # fmt: skip


class Consultation(TimeStamped):
    """A mother's question or problem, the advice given and any referral (lactation counselling).

    ``submission_uuid`` makes a double-submitted form save once.
    """

    submission_uuid = models.UUIDField(_("submission UUID"), default=uuid.uuid4, unique=True)
    mother = models.ForeignKey(
        Mother, verbose_name=_("mother"), on_delete=models.CASCADE, related_name="consultations"
    )
    program = models.ForeignKey(
        Program,
        verbose_name=_("program"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultations",
    )
    session = models.ForeignKey(
        Session,
        verbose_name=_("session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultations",
    )
    question = models.TextField(_("question or problem"), max_length=2000)
    advice = models.TextField(_("advice given"), max_length=2000)
    referral_needed = models.BooleanField(_("referral needed"), default=False)
    referred_to = models.CharField(_("referred to"), max_length=200, blank=True)
    followup_date = models.DateField(_("follow-up date"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-recorded_at", "-pk"]
        indexes = [models.Index(fields=["mother", "recorded_at"])]

    def __str__(self) -> str:
        return f"{self.mother} {self.recorded_at:%d/%m/%Y}"

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.referral_needed and not self.referred_to.strip():
            errors["referred_to"] = _("Say where the mother is referred to.")
        if self.session_id and self.program_id and self.session.program_id != self.program_id:
            errors["session"] = _("This session belongs to another program.")
        if self.followup_date and self.recorded_at and self.followup_date < self.recorded_at.date():
            errors["followup_date"] = _("The follow-up date cannot be before the consultation.")
        if errors:
            raise ValidationError(errors)
