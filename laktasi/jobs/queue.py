"""Putting a user's work on the queue and reading back where it is.

The pages that start work (imports, pulls, report files, leaflets, QR sheets) call
:func:`enqueue`; the task runs in ``laktasi worker`` (or the worker thread of ``laktasi
serve``). With ``JOBS_INLINE`` (``LAKTASI_JOBS_INLINE``, and the tests) it runs inside the call,
through the same task code (django-tasks' immediate backend).

:data:`task_lost` is sent when the reaper marks failed a task whose worker died, so the app
that owns the task can say so on its page (an import goes back to "start it again").
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.dispatch import Signal
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

#: set when this process queues work, so a worker thread in it (``laktasi serve``) starts
#: at once instead of at its next poll; other processes' workers poll the table.
WAKE = threading.Event()

#: sent with ``result`` (the ``DBTaskResult``) after the reaper marked it failed.
task_lost = Signal()

QUEUED, RUNNING, DONE, FAILED, UNKNOWN = "queued", "running", "done", "failed", "unknown"
_STATES = {
    TaskResultStatus.READY: QUEUED,
    TaskResultStatus.RUNNING: RUNNING,
    TaskResultStatus.SUCCESSFUL: DONE,
    TaskResultStatus.FAILED: FAILED,
}


def inline() -> bool:
    return bool(getattr(settings, "JOBS_INLINE", False))


def enqueue(task, *args, **kwargs):
    """Queue ``task`` (or run it now when ``JOBS_INLINE``); returns its ``TaskResult``.
    Arguments must be ids and flags, never personal data: they are stored in the queue."""
    backend = "immediate" if inline() else "default"
    result = task.using(backend=backend).enqueue(*args, **kwargs)
    WAKE.set()
    return result


def wait_while(still_waiting, seconds: float) -> None:
    """Wait up to ``seconds`` while ``still_waiting()`` is true (polled every 0.1 s): a page
    that queued quick work answers with its result when a worker finishes it in time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and still_waiting():
        time.sleep(0.1)


def stored_id(result) -> str | None:
    """The id to remember for a queued task (None when it ran inline: nothing to look up)."""
    return None if inline() or result.backend != "default" else str(result.id)


def task_state(task_id) -> str:
    """``queued``, ``running``, ``done``, ``failed`` or ``unknown`` (no such task)."""
    if not task_id:
        return UNKNOWN
    status = DBTaskResult.objects.filter(id=task_id).values_list("status", flat=True).first()
    return _STATES.get(status, UNKNOWN)
