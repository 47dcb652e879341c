"""Background work on a real queue: which workers are alive, and which periodic runs were
enqueued (once per period, whichever host's worker gets there first).

The queue itself is django-tasks' database backend (``django_tasks_db.DBTaskResult``): it works
on SQLite and PostgreSQL, so no broker is needed (docs/decisions/0006-background-jobs.md).
"""

from __future__ import annotations

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
