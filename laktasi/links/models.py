"""Answer links: a mother fills in a test or questionnaire on her own phone.

One :class:`AnswerLink` is bound to one mother × instrument × timepoint of one session. Its
secret token is never stored: only its SHA-256 hash is, next to a random salt from which the
token can be derived again with the server's key (see ``tokens.py``), so staff can reprint a
card while a copy of the database alone opens nothing. A :class:`GroupLink` is the one QR on
the projector for mothers without their own phone number: each confirms who she is with the
short code printed on her card.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laktasi.core.models import TimeStamped
from laktasi.followups.models import Visit
from laktasi.instruments.models import Response, Timepoint
from laktasi.mothers.models import Mother
from laktasi.programs.models import Program, Session


class Greeting(models.TextChoices):
    """What the mother's page says about her: nothing but "Ibu", or her initial."""

    PLAIN = "plain", _("“Ibu” only")
    INITIAL = "initial", _("“Ibu” and the initial of her name")


class LinkSettings(models.Model):
    """A program's choices for self-filled forms (defaults: show nothing but a thank-you)."""

    program = models.OneToOneField(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="link_settings"
    )
    greeting = models.CharField(
        _("greeting"), max_length=10, choices=Greeting.choices, default=Greeting.PLAIN
    )
    show_score = models.BooleanField(
        _("show her score and category after she sends"), default=False
    )
    show_answers_after_post = models.BooleanField(
        _("show the correct answers with the reasons after the post-test"), default=False
    )

    class Meta:
        verbose_name = _("answer-link settings")
        verbose_name_plural = _("answer-link settings")

    def __str__(self) -> str:
        return str(self.program)


class LinkState(models.TextChoices):
    NEW = "new", _("not opened yet")
    OPENED = "opened", _("opened")
    SUBMITTED = "submitted", _("sent")


class AnswerLink(TimeStamped):
    """One mother's link to one instrument at one timepoint of a session.

    A 24-hour recall link is also bound to one open follow-up ``visit`` of her baby: her
    answers are attached to that visit (``followups.services.visit_recall_attach``), which
    stays open until the cadre records it. Pre/post links have no visit.
    """

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="answer_links"
    )
    mother = models.ForeignKey(
        Mother, verbose_name=_("mother"), on_delete=models.CASCADE, related_name="answer_links"
    )
    instrument_id = models.CharField(_("instrument"), max_length=64)
    instrument_version = models.CharField(_("instrument version"), max_length=16)
    timepoint = models.CharField(_("timepoint"), max_length=10, choices=Timepoint.choices)
    salt = models.CharField(_("salt"), max_length=32, unique=True, editable=False)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    short_code = models.CharField(_("short code"), max_length=8)
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("follow-up visit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="answer_links",
    )
    expires_at = models.DateTimeField(_("expires at"))
    opened_at = models.DateTimeField(_("first opened at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    response = models.OneToOneField(
        Response,
        verbose_name=_("response"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answer_link",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("answer link")
        verbose_name_plural = _("answer links")
        ordering = ["session", "instrument_id", "timepoint", "short_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "mother", "instrument_id", "timepoint"],
                condition=models.Q(visit__isnull=True),
                name="answer_link_one_per_mother",
            ),
            # A mother keeps her card's code for every visit of the session (twins included).
            models.UniqueConstraint(
                fields=["session", "instrument_id", "timepoint", "short_code"],
                condition=models.Q(visit__isnull=True),
                name="answer_link_short_code_unique",
            ),
            models.UniqueConstraint(
                fields=["visit"],
                condition=models.Q(visit__isnull=False),
                name="answer_link_one_per_visit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} {self.timepoint} {self.short_code}"

    @property
    def state(self) -> str:
        if self.submitted_at is not None:
            return LinkState.SUBMITTED
        return LinkState.OPENED if self.opened_at is not None else LinkState.NEW

    def expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at


class GroupLink(TimeStamped):
    """One QR for the whole room: mothers pick themselves by the short code on their card."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="group_links"
    )
    instrument_id = models.CharField(_("instrument"), max_length=64)
    timepoint = models.CharField(_("timepoint"), max_length=10, choices=Timepoint.choices)
    salt = models.CharField(_("salt"), max_length=32, unique=True, editable=False)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("group link")
        verbose_name_plural = _("group links")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "instrument_id", "timepoint"], name="group_link_one_per_form"
            )
        ]

    def __str__(self) -> str:
        return f"{self.session} {self.instrument_id} {self.timepoint}"

    def expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at


class LinkEvent(models.Model):
    """Staff actions on links (made, reopened, revoked), for the audit; never the token."""

    class Action(models.TextChoices):
        ISSUED = "issued", _("links made")
        REOPENED = "reopened", _("reopened")

    at = models.DateTimeField(_("when"), default=timezone.now)
    link = models.ForeignKey(
        AnswerLink, verbose_name=_("link"), null=True, on_delete=models.CASCADE, related_name="+"
    )
    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="+"
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("answer-link event")
        verbose_name_plural = _("answer-link events")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.action}"
