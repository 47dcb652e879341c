"""Run a web upload's preview or commit in a background thread, so the page can show progress.

The request claims the job (status ``running``, one atomic UPDATE, so a double click starts
it once), starts a thread and waits briefly: a small file is finished by then and the user
sees the result at once; a large one shows a progress bar that refreshes itself. The thread
uses its own database connection and closes it. A process that dies mid-import leaves the
job ``running`` with a stale progress file; :func:`recover_if_stale` turns it back into a
job that can be started again (nothing was written: a commit is one transaction).

``IMPORT_IN_BACKGROUND = False`` (tests that run inside a transaction) runs the task in the
request instead, through the same code.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laktasi.imports.models import ImportJob, ImportStatus
from laktasi.imports.progress import ProgressReporter, progress_clear, progress_read
from laktasi.imports.services import importjob_commit, importjob_preview

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


def running_count(*, user) -> int:
    """The user's imports running now (a job whose process died does not count)."""
    running = ImportJob.objects.filter(created_by=user, status=ImportStatus.RUNNING)
    return sum(1 for job in running.only("token") if _alive(job))


def _alive(job: ImportJob) -> bool:
    progress = progress_read(job.token)
    return progress is not None and not progress.stale


def over_limit(*, user) -> bool:
    """True when the user may not start another import now (``MAX_CONCURRENT_JOBS``)."""
    return user is not None and running_count(user=user) >= settings.MAX_CONCURRENT_JOBS


def start(job: ImportJob, task: str, *, valid_only: bool = False) -> threading.Thread | None:
    """Claim ``job`` and run ``task`` on it; None when it cannot start (already running or
    imported). Returns the thread (already finished when not running in the background)."""
    if task not in TASKS:
        raise ValueError(task)
    allowed = [ImportStatus.PREVIEWED] + ([ImportStatus.REFUSED] if task == "commit" else [])
    if not ImportJob.objects.filter(pk=job.pk, status__in=allowed).exists():
        return None
    # The progress file exists before the job shows as running, so a running job without
    # one can only be a job whose process died.
    reporter = ProgressReporter(job.token, task)
    claimed = ImportJob.objects.filter(pk=job.pk, status__in=allowed).update(
        status=ImportStatus.RUNNING
    )
    if not claimed:
        if not ImportJob.objects.filter(pk=job.pk, status=ImportStatus.RUNNING).exists():
            progress_clear(job.token)
        return None
    if not getattr(settings, "IMPORT_IN_BACKGROUND", True):
        _run(job.pk, task, valid_only, reporter, close_connection=False)
        return None
    thread = threading.Thread(
        target=_run,
        args=(job.pk, task, valid_only, reporter),
        name=f"laktasi-import-{job.pk}",
        daemon=True,
    )
    thread.start()
    thread.join(WAIT_SECONDS)
    return thread


def _run(pk: int, task: str, valid_only: bool, reporter, *, close_connection: bool = True):
    try:
        job = ImportJob.objects.get(pk=pk)
        if task == "preview":
            importjob_preview(job=job)
        else:
            importjob_commit(
                job=job, valid_only=valid_only, progress=reporter, on_plan=reporter.on_plan
            )
    except ValidationError as exc:
        _fail(pk, " ".join(str(m) for m in exc.messages))
    except Exception:
        logger.exception("import job %s (%s) failed", pk, task)  # no file content, no rows
        _fail(pk, str(MSG_FAILED))
    finally:
        progress_clear(reporter.token)
        if close_connection:
            connection.close()


def _fail(pk: int, message: str) -> None:
    job = ImportJob.objects.filter(pk=pk).first()
    if job is None or job.status in (ImportStatus.COMMITTED, ImportStatus.PARTIAL):
        return
    job.status = ImportStatus.PREVIEWED if job.rows_read else ImportStatus.FAILED
    job.notes = [message, *job.notes]
    if job.status == ImportStatus.FAILED:
        job.finished_at = timezone.now()
    job.save(update_fields=["status", "notes", "finished_at"])


def recover_if_stale(job: ImportJob) -> bool:
    """A ``running`` job whose progress has not moved for a long time (or has no progress
    file) was interrupted: make it startable again. True when it was."""
    if job.status != ImportStatus.RUNNING:
        return False
    progress = progress_read(job.token)
    if progress is not None and not progress.stale:
        return False
    _fail(job.pk, str(MSG_INTERRUPTED))
    progress_clear(job.token)
    job.refresh_from_db()
    return True
