"""Run a web upload's preview or commit on the job queue, so the page can show its state.

The request claims the job (status ``running``, one atomic UPDATE, so a double click starts
it once), puts an :func:`import_task` on the queue (``laktasi.jobs.queue``) and waits
briefly: a small file is usually finished by then and the user sees the result at once; a
large one (or a busy queue) shows a card that refreshes itself — "waiting for its turn", then
a progress bar. ``laktasi worker`` (or the worker thread of ``laktasi serve``) runs it.

A commit writes in one transaction, so a worker killed mid-import leaves nothing. The reaper
(``laktasi.jobs.worker.reap_lost``) marks its task failed and sends ``task_lost``; this module
then turns the job back into one that can be started again, with a note saying so. A job whose
task cannot be found (run inline, or from before the queue) still falls back on the age of its
progress file (:func:`recover_if_stale`).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from laktasi.imports.models import ImportJob, ImportStatus
from laktasi.imports.progress import ProgressReporter, progress_clear, progress_read
from laktasi.imports.services import importjob_commit, importjob_preview
from laktasi.jobs import queue

logger = logging.getLogger(__name__)

TASKS = ("preview", "commit")
WAIT_SECONDS = 2.0
MSG_INTERRUPTED = _(
    "The last attempt was interrupted (the server stopped); nothing was written. Start it again."
)
MSG_FAILED = _(
    "The import stopped because of an error in laktasi (recorded for the administrator); "
    "nothing was written. Trying again will not help: tell your administrator the file name "
    "and the time."
)


class ImportCrashed(Exception):
    """The import raised an unexpected error (logged; the job says so to its user)."""


def job_state(job: ImportJob) -> str:
    """Where a ``running`` job is: ``queued``, ``running`` or ``lost`` (its process died)."""
    state = queue.task_state(job.task_id)
    if state in (queue.QUEUED, queue.RUNNING):
        return state
    if state == queue.UNKNOWN:
        # Run inline or before the queue: the progress file's age is its heartbeat.
        progress = progress_read(job.token)
        if progress is not None and not progress.stale:
            return progress.stage if progress.stage == "queued" else queue.RUNNING
    return "lost"


def running_count(*, user) -> int:
    """The user's imports waiting or running now (a job whose process died does not count)."""
    running = ImportJob.objects.filter(created_by=user, status=ImportStatus.RUNNING)
    return sum(1 for job in running.only("token", "task_id") if job_state(job) != "lost")


def over_limit(*, user) -> bool:
    """True when the user may not start another import now (``MAX_CONCURRENT_JOBS``)."""
    return user is not None and running_count(user=user) >= settings.MAX_CONCURRENT_JOBS


def start(job: ImportJob, step: str, *, valid_only: bool = False) -> bool:
    """Claim ``job`` and queue ``step`` on it; False when it cannot start (already running or
    imported). Inline (``JOBS_INLINE``) the step has run when this returns."""
    if step not in TASKS:
        raise ValueError(step)
    allowed = [ImportStatus.PREVIEWED] + ([ImportStatus.REFUSED] if step == "commit" else [])
    if not ImportJob.objects.filter(pk=job.pk, status__in=allowed).exists():
        return False
    # The progress file exists before the job shows as running, so a running job without a
    # task or a progress file can only be a job whose process died.
    ProgressReporter(job.token, step, stage="queued")
    claimed = ImportJob.objects.filter(pk=job.pk, status__in=allowed).update(
        status=ImportStatus.RUNNING, task_id=None
    )
    if not claimed:
        if not ImportJob.objects.filter(pk=job.pk, status=ImportStatus.RUNNING).exists():
            progress_clear(job.token)
        return False
    result = queue.enqueue(import_task, job.pk, step, valid_only)
    task_id = queue.stored_id(result)
    if task_id:
        ImportJob.objects.filter(pk=job.pk, status=ImportStatus.RUNNING).update(task_id=task_id)
        _wait(job.pk)
    return True


def run_here(job: ImportJob, step: str, *, task_id=None) -> dict:
    """Claim ``job`` and run ``step`` in this process: for a task that has just made the job
    (a pull). ``task_id`` (that task) lets the reaper give the job back if this worker dies."""
    ProgressReporter(job.token, step)
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.PREVIEWED).update(
        status=ImportStatus.RUNNING, task_id=task_id
    )
    if not claimed:
        progress_clear(job.token)
        return {"skipped": True}
    job.refresh_from_db()
    return run(job, step, False)


def _wait(pk: int) -> None:
    queue.wait_while(
        ImportJob.objects.filter(pk=pk, status=ImportStatus.RUNNING).exists, WAIT_SECONDS
    )


@task(takes_context=True)
def import_task(context, job_id: int, step: str, valid_only: bool = False) -> dict:
    """Check (``preview``) or import (``commit``) the stored upload of import job ``job_id``."""
    job = ImportJob.objects.filter(pk=job_id).first()
    mine = job is not None and str(job.task_id or context.task_result.id) == str(
        context.task_result.id
    )
    if not mine or job.status != ImportStatus.RUNNING:
        return {"skipped": True}  # recovered or restarted meanwhile: that run owns the job
    return run(job, step, valid_only)


def run(job: ImportJob, step: str, valid_only: bool) -> dict:
    """Run one step on a claimed job; a failure goes back to the job's page, never half-done."""
    reporter = ProgressReporter(job.token, step)
    try:
        if step == "preview":
            importjob_preview(job=job)
        else:
            importjob_commit(
                job=job, valid_only=valid_only, progress=reporter, on_plan=reporter.on_plan
            )
    except ValidationError as exc:
        _fail(job.pk, " ".join(str(m) for m in exc.messages))
    except Exception as exc:
        logger.exception("import job %s (%s) failed", job.pk, step)  # no content, no rows
        _fail(job.pk, str(MSG_FAILED))
        raise ImportCrashed(type(exc).__name__) from exc  # shown on the jobs page
    finally:
        progress_clear(job.token)
    job.refresh_from_db()
    return {"status": job.status, "rows_read": job.rows_read}


def _fail(pk: int, message: str) -> None:
    """Give a job that did not finish back to its user (only while it is still running)."""
    job = ImportJob.objects.filter(pk=pk).first()
    if job is None or job.status != ImportStatus.RUNNING:
        return
    status = ImportStatus.PREVIEWED if job.rows_read else ImportStatus.FAILED
    finished = timezone.now() if status == ImportStatus.FAILED else job.finished_at
    ImportJob.objects.filter(pk=pk, status=ImportStatus.RUNNING).update(
        status=status, notes=[message, *job.notes], finished_at=finished, task_id=None
    )


def recover_if_stale(job: ImportJob) -> bool:
    """A ``running`` job whose worker died (its task failed or ended without it, or no task
    and no fresh progress file) was interrupted: make it startable again. True when it was."""
    if job.status != ImportStatus.RUNNING or job_state(job) != "lost":
        return False
    _fail(job.pk, str(MSG_INTERRUPTED))
    job.refresh_from_db()
    if job.status != ImportStatus.RUNNING:
        progress_clear(job.token)
    return True


@receiver(queue.task_lost)
def _on_task_lost(sender, result, **kwargs) -> None:
    """The reaper found this import's worker dead: nothing was written, say so on the page."""
    for job in ImportJob.objects.filter(task_id=result.id, status=ImportStatus.RUNNING):
        _fail(job.pk, str(MSG_INTERRUPTED))
        progress_clear(job.token)
