"""Program videos and the Q&A knowledge base.

The leaflets, guides and phone pages are rendered from ``content/*.yaml`` and need no table.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from laktasi.core.models import TimeStamped
from laktasi.programs.models import Program, Session

VIDEO_EXTENSIONS = ("mp4", "webm")
VIDEO_CONTENT_TYPES = {"mp4": "video/mp4", "webm": "video/webm"}


def validate_video_size(file) -> None:
    """Refuse a video larger than ``LAKTASI_MAX_VIDEO_MB``."""
    limit_mb = settings.LAKTASI_MAX_VIDEO_MB
    if file.size > limit_mb * 1024 * 1024:
        raise ValidationError(
            _("The video is larger than %(limit)s MB."), params={"limit": limit_mb}, code="size"
        )


class ProgramVideo(TimeStamped):
    """A video tutorial of a program (or one of its sessions): an uploaded file or a link.

    Villages often have no internet during a session, so a video can be uploaded once and is
    then streamed from laktasi itself (with HTTP Range support for phones).
    """

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="videos"
    )
    session = models.ForeignKey(
        Session,
        verbose_name=_("session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="videos",
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("video file"),
        upload_to="videos/%Y/%m/",
        blank=True,
        validators=[FileExtensionValidator(list(VIDEO_EXTENSIONS)), validate_video_size],
        help_text=_("MP4 or WebM."),
    )
    url = models.URLField(_("video link"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("program video")
        verbose_name_plural = _("program videos")
        ordering = ["program", "created_at", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if bool(self.file) == bool(self.url):
            errors["file"] = _("Upload a video file or give a link, not both.")
        if self.session_id and self.program_id and self.session.program_id != self.program_id:
            errors["session"] = _("This session belongs to another program.")
        if errors:
            raise ValidationError(errors)

    @property
    def extension(self) -> str:
        return Path(self.file.name).suffix.lower().lstrip(".") if self.file else ""

    @property
    def content_type(self) -> str:
        return VIDEO_CONTENT_TYPES.get(self.extension, "application/octet-stream")


class QAEntry(TimeStamped):
    """One question and answer of the knowledge base used in consultations.

    Shipped entries come from ``content/qa.yaml`` (``laktasi load_qa``); a midwife may edit
    them or add her own in the admin. ``edited`` marks an entry changed here, which the loader
    then leaves alone. The ``search_*`` columns hold the normalised words and stems of each
    language (``laktasi.materials.search.document_columns``); the database's full-text index
    is built from them (SQLite FTS5 table kept in sync by ``services.qa_entry_save``,
    PostgreSQL generated ``tsvector`` columns).
    """

    slug = models.SlugField(_("identifier"), max_length=80, unique=True)
    topic = models.CharField(_("topic"), max_length=40, blank=True)
    question_id = models.TextField(_("question (Indonesian)"), max_length=500)
    question_en = models.TextField(_("question (English)"), max_length=500)
    answer_id = models.TextField(_("answer (Indonesian)"), max_length=4000)
    answer_en = models.TextField(_("answer (English)"), max_length=4000)
    seek_help_id = models.TextField(_("when to seek help (Indonesian)"), max_length=1000)
    seek_help_en = models.TextField(_("when to seek help (English)"), max_length=1000)
    keywords_id = models.TextField(
        _("search words (Indonesian)"),
        blank=True,
        help_text=_("Everyday words and phrasings, separated by semicolons."),
    )
    keywords_en = models.TextField(_("search words (English)"), blank=True)
    sources = models.JSONField(_("sources"), default=list, blank=True)
    facts = models.JSONField(_("facts references"), default=list, blank=True)
    published = models.BooleanField(_("published"), default=True)
    shipped = models.BooleanField(_("shipped with laktasi"), default=False, editable=False)
    edited = models.BooleanField(_("edited here"), default=False, editable=False)
    search_keywords_id = models.TextField(default="", editable=False)
    search_question_id = models.TextField(default="", editable=False)
    search_answer_id = models.TextField(default="", editable=False)
    search_keywords_en = models.TextField(default="", editable=False)
    search_question_en = models.TextField(default="", editable=False)
    search_answer_en = models.TextField(default="", editable=False)

    class Meta:
        verbose_name = _("question and answer")
        verbose_name_plural = _("questions and answers")
        ordering = ["topic", "slug"]

    def __str__(self) -> str:
        return self.question_id

    def question(self, lang: str) -> str:
        return self.question_en if lang == "en" else self.question_id

    def answer(self, lang: str) -> str:
        return self.answer_en if lang == "en" else self.answer_id

    def seek_help(self, lang: str) -> str:
        return self.seek_help_en if lang == "en" else self.seek_help_id
