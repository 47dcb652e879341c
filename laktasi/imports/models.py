"""Import jobs: who imported which file, when, with what result; and stable row keys."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from laktasi.mothers.models import Mother
from laktasi.places.models import Facility
from laktasi.programs.models import Program


class ImportKind(models.TextChoices):
    RESPONSES = "responses", _("instrument responses (ODK / KoboToolbox / template)")
    MOTHERS = "mothers", _("mothers with babies and companions")
    ATTENDANCE = "attendance", _("session attendance")


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("previewed, not yet imported")
    COMMITTED = "committed", _("imported")
    PARTIAL = "partial", _("valid rows imported, rejected rows returned")
    REFUSED = "refused", _("not imported: some rows were rejected")
    FAILED = "failed", _("failed")
    RUNNING = "running", _("in progress")


def _upload_to(job: ImportJob, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"imports/{job.token}.{suffix[:5]}"


class ImportJob(models.Model):
    """One uploaded file, its preview and its commit. The audit entry of every import.

    The file is kept under ``MEDIA_ROOT/imports/`` by a random name; its original name, size
    and SHA-256 are recorded here. Counts always add up: created + updated + skipped +
    rejected = rows_read.
    """

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED
    )
    file = models.FileField(_("file"), upload_to=_upload_to, max_length=200)
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    file_size = models.PositiveBigIntegerField(_("size (bytes)"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    program = models.ForeignKey(
        Program,
        verbose_name=_("program"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    facility = models.ForeignKey(
        Facility,
        verbose_name=_("posyandu / facility"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    instrument_id = models.CharField(_("instrument"), max_length=64, blank=True)
    instrument_version = models.CharField(_("instrument version"), max_length=16, blank=True)
    valid_only = models.BooleanField(_("import valid rows only"), default=False)
    accept_incomplete = models.BooleanField(
        _("accept responses without the missing questions (no score or category)"),
        default=False,
    )
    missing_items = models.JSONField(_("questions missing from the file"), default=list, blank=True)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    skipped = models.PositiveIntegerField(_("skipped (already imported)"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    errors = models.JSONField(_("rejected rows"), default=list, blank=True)
    notes = models.JSONField(_("notes"), default=list, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The queued task (laktasi.jobs) checking or importing the file now; its state tells the
    # page "waiting", "running" or "interrupted".
    task_id = models.UUIDField(_("background task"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    rows_read=models.F("created")
                    + models.F("updated")
                    + models.F("skipped")
                    + models.F("rejected")
                ),
                name="importjob_counts_add_up",
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class ImportRowKey(models.Model):
    """A stable key of an imported row that has no submission UUID (mother templates).

    ``key`` is ``<facility pk>:<row_id>`` for a row with a file-provided ``row_id``; a row
    with a NIK is matched through ``Mother.nik_hash`` instead. Unique, so a re-import can
    never create the mother twice.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    key = models.CharField(_("row key"), max_length=200)
    mother = models.ForeignKey(
        Mother, verbose_name=_("mother"), on_delete=models.CASCADE, related_name="+"
    )
    job = models.ForeignKey(
        ImportJob,
        verbose_name=_("import"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="row_keys",
    )

    class Meta:
        verbose_name = _("imported row key")
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="importrowkey_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


class ImportedMother(models.Model):
    """A mother whose row an import job wrote (created, updated, or a response/attendance of
    hers): erasure finds every stored file that holds her through these links."""

    job = models.ForeignKey(
        ImportJob, verbose_name=_("import"), on_delete=models.CASCADE, related_name="mother_links"
    )
    mother = models.ForeignKey(
        Mother, verbose_name=_("mother"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("mother in an import")
        constraints = [
            models.UniqueConstraint(fields=["job", "mother"], name="importedmother_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.mother_id}"


class SubmissionVersion(models.Model):
    """A version of an edited KoboToolbox / ODK Central submission that has been imported.

    The response's ``submission_uuid`` is the submission's stable identity (KoboToolbox
    ``meta/rootUuid`` or ``_uuid``, ODK Central ``KEY``); each edit has a new instance ID
    (``meta/instanceID``). Recording the versions imported lets a later import tell a new edit
    (an update, shown in the preview) from one already applied, so a correction made in
    laktasi since is not overwritten by re-importing an old file.
    """

    version_uuid = models.UUIDField(_("version (instance ID)"), unique=True)
    response = models.ForeignKey("instruments.Response", on_delete=models.CASCADE, related_name="+")
    job = models.ForeignKey(
        ImportJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("imported submission version")
        verbose_name_plural = _("imported submission versions")

    def __str__(self) -> str:
        return str(self.version_uuid)


# Models of the mapping and pull features live beside their code; imported here so that
# they belong to this app (they refer to ImportJob by name, so there is no import cycle).
from laktasi.imports.mapping.models import ColumnMapping, MappedImport  # noqa: E402
from laktasi.imports.pull.models import (  # noqa: E402
    PulledImport,
    PullRun,
    ServerKind,
    ServerSource,
)

__all__ = ["ColumnMapping", "ImportJob", "ImportKind", "ImportRowKey", "ImportStatus",
           "ImportedMother", "MappedImport", "PullRun", "PulledImport", "ServerKind",
           "ServerSource", "SubmissionVersion"]  # fmt: skip
