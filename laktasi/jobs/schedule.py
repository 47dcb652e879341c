"""Periodic jobs, enqueued by the workers (not by each host's cron).

Every worker calls :func:`enqueue_due` on each loop; the first to insert the ``PeriodicRun`` row
for a period enqueues the task, the others find the row and do nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from laktasi.jobs import tasks
from laktasi.jobs.models import PeriodicRun
from laktasi.satusehat.tasks import satusehat_sync


@dataclass(frozen=True)
class Periodic:
    name: str
    task: object
    at: dt.time  #: local time of day after which the day's run is due


def _at(value: str) -> dt.time:
    hour, minute = (int(x) for x in value.split(":"))
    return dt.time(hour, minute)


def periodic_jobs() -> list[Periodic]:
    return [
        Periodic("nightly_refresh", tasks.nightly_refresh, _at(settings.LAKTASI_NIGHTLY_AT)),
        Periodic("satusehat_sync", satusehat_sync, _at(settings.LAKTASI_SATUSEHAT_SYNC_AT)),
    ]


def due_period(job: Periodic, now: dt.datetime) -> str | None:
    """The period key (a local date) whose run is due at ``now``, or None before the time."""
    local = timezone.localtime(now)
    if local.time() < job.at:
        return None
    return local.date().isoformat()


def enqueue_due(now: dt.datetime | None = None) -> list[str]:
    """Enqueue each periodic job whose period has come and has no run yet; returns names."""
    now = now or timezone.now()
    enqueued = []
    for job in periodic_jobs():
        period = due_period(job, now)
        if period is None or PeriodicRun.objects.filter(name=job.name, period=period).exists():
            continue
        try:
            with transaction.atomic():
                run = PeriodicRun.objects.create(name=job.name, period=period, enqueued_at=now)
                result = job.task.enqueue()
                run.task_id = result.id
                run.save(update_fields=["task_id"])
        except IntegrityError:
            continue  # another worker enqueued this period first
        enqueued.append(job.name)
    return enqueued
