"""Background work on a real queue: which workers are alive, and which periodic runs were
enqueued (once per period, whichever host's worker gets there first).

The queue itself is django-tasks' database backend (``django_tasks_db.DBTaskResult``): it works
on SQLite and PostgreSQL, so no broker is needed (docs/decisions/0007-background-jobs.md).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One worker process; ``seen_at`` moves every few seconds while it lives."""

    worker_id = models.CharField(_("worker"), max_length=64, unique=True)
    host = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    seen_at = models.DateTimeField(_("last seen at"), default=timezone.now, db_index=True)
    current_task = models.UUIDField(_("task running"), null=True, blank=True)

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host})"


class PeriodicRun(models.Model):
    """A periodic job enqueued for one period (e.g. the nightly refresh of one night).

    The unique constraint makes several workers on several hosts enqueue it once.
    """

    name = models.CharField(_("job"), max_length=64)
    period = models.CharField(_("period"), max_length=32)
    enqueued_at = models.DateTimeField(_("enqueued at"), default=timezone.now)
    task_id = models.UUIDField(_("task"), null=True, blank=True)

    class Meta:
        verbose_name = _("periodic run")
        verbose_name_plural = _("periodic runs")
        ordering = ["-enqueued_at"]
        constraints = [models.UniqueConstraint(fields=["name", "period"], name="periodic_run_once")]

    def __str__(self) -> str:
        return f"{self.name} {self.period}"


class FileState(models.TextChoices):
    QUEUED = "queued", _("waiting for its turn")
    RUNNING = "running", _("being made")
    DONE = "done", _("ready to download")
    FAILED = "failed", _("failed")


def _generated_to(instance: GeneratedFile, filename: str) -> str:
    return f"generated/{instance.token}.bin"


class GeneratedFile(models.Model):
    """A file made on the queue for one user (a report, a program's leaflet, a QR sheet).

    Only its owner sees or downloads it. ``params`` holds ids and choices, never personal
    data; the file itself is stored encrypted (it may hold names) and deleted once downloaded
    or after ``LAKTASI_GENERATED_FILE_HOURS``.
    """

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=32)
    params = models.JSONField(default=dict)
    language = models.CharField(max_length=8, default="id")
    state = models.CharField(
        _("state"), max_length=8, choices=FileState.choices, default=FileState.QUEUED
    )
    message = models.TextField(_("message"), blank=True)
    task_id = models.UUIDField(null=True, blank=True)
    file = models.FileField(upload_to=_generated_to, max_length=200, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("generated file")
        verbose_name_plural = _("generated files")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} ({self.state})"


def last_run(name: str) -> PeriodicRun | None:
    """The latest run of the periodic job ``name`` (health checks read it)."""
    return PeriodicRun.objects.filter(name=name).order_by("-enqueued_at").first()
