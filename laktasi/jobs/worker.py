"""``laktasi worker``: runs queued tasks, enqueues periodic jobs, and recovers from crashes.

Several workers on several hosts share the queue: a task is claimed inside an exclusive
transaction (django-tasks' database backend), periodic runs are enqueued once per period
(``schedule``), and each worker writes a heartbeat. A task still marked running whose worker
has not been seen for ``LAKTASI_WORKER_STALE_SECONDS`` was lost with its process (killed,
machine restarted): it is marked failed, so the page that waits for it says so instead of
spinning forever. The task's own work is transactional (an import is all or nothing), so a
killed task leaves nothing half-written.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading

from django.conf import settings
from django.db import close_old_connections, connections
from django.db.utils import OperationalError
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from laktasi.jobs import schedule
from laktasi.jobs.models import WorkerHeartbeat
from laktasi.jobs.queue import WAKE, task_lost

logger = logging.getLogger("laktasi.jobs")
LOST_MESSAGE = "worker stopped while running this task (process killed or machine restarted)"


class LostWorkerError(Exception):
    """Recorded on a task whose worker died under it."""


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(6)}"


def beat(worker_id: str, current_task=None) -> None:
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(
        seen_at=now, current_task=current_task
    )
    if not updated:
        WorkerHeartbeat.objects.create(
            worker_id=worker_id,
            host=socket.gethostname()[:255],
            pid=os.getpid(),
            started_at=now,
            seen_at=now,
            current_task=current_task,
        )


def reap_lost(now: dt.datetime | None = None) -> int:
    """Mark failed every running task whose worker's heartbeat is stale; returns how many."""
    now = now or timezone.now()
    stale_before = now - dt.timedelta(seconds=settings.LAKTASI_WORKER_STALE_SECONDS)
    alive = set(
        WorkerHeartbeat.objects.filter(seen_at__gte=stale_before).values_list(
            "worker_id", flat=True
        )
    )
    lost = 0
    for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING):
        owner = (result.worker_ids or [None])[-1]
        if owner in alive:
            continue
        if owner is None and result.started_at and result.started_at >= stale_before:
            continue
        result.set_failed(LostWorkerError(LOST_MESSAGE))
        logger.warning("task %s marked failed: its worker %s is gone", result.id, owner)
        task_lost.send(sender=LaktasiWorker, result=result)
        lost += 1
    WorkerHeartbeat.objects.filter(seen_at__lt=now - dt.timedelta(days=7)).delete()
    return lost


class LaktasiWorker(Worker):
    """django-tasks' database worker plus heartbeats, periodic jobs and lost-task recovery."""

    def __init__(self, *, interval: float = 1.0, max_tasks: int | None = None,
                 worker_id: str | None = None, stop: threading.Event | None = None):  # fmt: skip
        super().__init__(
            queue_names=["*"],
            interval=interval,
            batch=False,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=max_tasks,
            worker_id=worker_id or new_worker_id(),
            excluded_queue_names=[],
        )
        self.stop = stop or threading.Event()

    def housekeeping(self) -> None:
        beat(self.worker_id)
        schedule.enqueue_due()
        reap_lost()

    def claim(self) -> DBTaskResult | None:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        with exclusive_transaction(tasks.db):
            try:
                result = tasks.get_locked()
                if result is not None:
                    result.claim(self.worker_id)
                return result
            except OperationalError as exc:
                if is_locked_database_exception(exc):
                    return None
                raise

    def run(self) -> None:
        logger.info("worker %s started", self.worker_id)
        while self.running and not self.stop.is_set():
            close_old_connections()
            self.housekeeping()
            result = self.claim()
            if result is not None:
                beat(self.worker_id, current_task=result.id)
                self.run_task(result)
                beat(self.worker_id)
                if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                    return
                continue
            # Until the next poll, or at once when this process queues work.
            WAKE.wait(self.interval)
            WAKE.clear()
        close_old_connections()


def _run_then_close(worker: LaktasiWorker) -> None:
    """Run the worker, then close this thread's database connections: a thread that ends
    does not close them, and PostgreSQL keeps the session open until garbage collection."""
    try:
        worker.run()
    finally:
        connections.close_all()


def start_embedded(interval: float = 2.0) -> tuple[threading.Thread, threading.Event]:
    """A worker thread inside the web process (the zero-configuration default of
    ``laktasi serve``); stopped by setting the returned event."""
    stop = threading.Event()
    worker = LaktasiWorker(interval=interval, stop=stop)
    thread = threading.Thread(target=_run_then_close, args=(worker,), name="laktasi-worker",
                              daemon=True)  # fmt: skip
    thread.start()
    return thread, stop


__all__ = ["DEFAULT_TASK_QUEUE_NAME", "LaktasiWorker", "beat", "reap_lost", "start_embedded"]
