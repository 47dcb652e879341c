"""A program's KoboToolbox or ODK Central server, with its token encrypted at rest."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from laktasi.core.crypto import EncryptedCharField
from laktasi.programs.models import Program


class ServerKind(models.TextChoices):
    KOBO = "kobo", _("KoboToolbox")
    ODK = "odk", _("ODK Central")


class ServerSource(models.Model):
    """Where a program's submissions can be pulled from.

    KoboToolbox: ``form_id`` is the asset uid, ``secret`` the API token (Account settings →
    Security). ODK Central: ``project_id`` and ``form_id`` (the xmlFormId), ``username`` the
    web user's email and ``secret`` its password (a session is opened for each pull). The
    secret is encrypted with the field keys (``LAKTASI_FIELD_KEYS``), never shown again after
    it is saved, never logged and never put in a URL.
    """

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("server"), max_length=8, choices=ServerKind.choices)
    base_url = models.URLField(_("server address"), max_length=300)
    project_id = models.CharField(_("project id (ODK Central)"), max_length=32, blank=True)
    form_id = models.CharField(_("form id (Kobo asset uid or ODK xmlFormId)"), max_length=200)
    username = models.CharField(_("user email (ODK Central)"), max_length=200, blank=True)
    secret = EncryptedCharField(_("token or password"), max_length=500)
    instrument_id = models.CharField(_("instrument"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_pulled_at = models.DateTimeField(_("last pulled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("data server")
        verbose_name_plural = _("data servers")
        ordering = ["program", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.form_id}"

    @property
    def host(self) -> str:
        """The server's host name, for messages (never the token)."""
        return self.base_url.split("://", 1)[-1].split("/", 1)[0]


class PulledImport(models.Model):
    """An import job whose rows were pulled from a server: from which source, how many
    submissions were left out as not approved, and which were edited on the server."""

    job = models.OneToOneField("imports.ImportJob", on_delete=models.CASCADE, related_name="pulled")
    source = models.ForeignKey(
        ServerSource, null=True, blank=True, on_delete=models.SET_NULL, related_name="pulls"
    )
    not_approved = models.PositiveIntegerField(_("left out: not approved / rejected"), default=0)
    edited = models.JSONField(_("edited on the server"), default=list, blank=True)

    def __str__(self) -> str:
        return f"pull of import {self.job_id}"


class PullState(models.TextChoices):
    QUEUED = "queued", _("waiting for its turn")
    RUNNING = "running", _("pulling")
    DONE = "done", _("pulled; check the result")
    NOTHING = "nothing", _("nothing new to import")
    FAILED = "failed", _("failed")


class PullRun(models.Model):
    """One "Pull data" click: the background task fetching a server's submissions, its state,
    and the import job it made. Seen by the user who asked (the message names the server,
    never a token or a row)."""

    source = models.ForeignKey(ServerSource, on_delete=models.CASCADE, related_name="runs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )
    language = models.CharField(max_length=8, default="id")
    state = models.CharField(
        _("state"), max_length=8, choices=PullState.choices, default=PullState.QUEUED
    )
    task_id = models.UUIDField(null=True, blank=True)
    message = models.TextField(_("message"), blank=True)
    job = models.ForeignKey(
        "imports.ImportJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("pull")
        verbose_name_plural = _("pulls")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"pull {self.pk} of {self.source_id} ({self.state})"
