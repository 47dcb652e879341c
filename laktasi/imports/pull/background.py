""" "Pull data" on the job queue: a task fetches the server's submissions into an import job and
checks it; the servers page shows the pull's state until the job's preview can be opened.

The user's click makes a :class:`PullRun` and queues :func:`pull_task` with its id only (the
queue holds no token and no personal data). A worker that dies mid-pull wrote nothing (the
job and its file are made in one transaction at the end of the fetch); the reaper's
``task_lost`` marks the run failed so the page says so.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from laktasi.accounts.models import User
from laktasi.imports import background
from laktasi.imports.pull.clients import PullError
from laktasi.imports.pull.models import PullRun, PullState, ServerSource
from laktasi.imports.pull.services import source_pull
from laktasi.jobs import queue

logger = logging.getLogger(__name__)
WAIT_SECONDS = 2.0
ACTIVE = (PullState.QUEUED, PullState.RUNNING)
MSG_CRASHED = _(
    "The pull stopped because of an error in laktasi (recorded for the administrator); "
    "nothing was imported. Tell your administrator the server and the time."
)
MSG_LOST = _("The pull was interrupted (the server stopped); nothing was imported. Pull again.")


def pull_start(*, source: ServerSource, user: User, language: str) -> PullRun:
    """Queue a pull of ``source`` for ``user`` (or return the one already waiting or running)."""
    with transaction.atomic():
        running = PullRun.objects.select_for_update().filter(source=source, state__in=ACTIVE)
        current = next((r for r in running if pullrun_state(r) in ACTIVE), None)
        if current is not None:
            return current
        run = PullRun.objects.create(source=source, requested_by=user, language=language[:8])
    result = queue.enqueue(pull_task, run.pk)
    task_id = queue.stored_id(result)
    if task_id:
        PullRun.objects.filter(pk=run.pk, state__in=ACTIVE).update(task_id=task_id)
        queue.wait_while(PullRun.objects.filter(pk=run.pk, state__in=ACTIVE).exists, WAIT_SECONDS)
    run.refresh_from_db()
    return run


def pullrun_state(run: PullRun) -> str:
    """The run's state; a waiting or running one whose task ended without it was lost."""
    if run.state not in ACTIVE or not run.task_id:
        return run.state
    if queue.task_state(run.task_id) in (queue.FAILED, queue.DONE):
        _finish(run.pk, PullState.FAILED, str(MSG_LOST))
        run.refresh_from_db()
    return run.state


@task(takes_context=True)
def pull_task(context, run_id: int) -> dict:
    """Fetch a server's submissions into an import job, then check it (the preview)."""
    run = PullRun.objects.select_related("source", "requested_by").filter(pk=run_id).first()
    if run is None or run.state != PullState.QUEUED:
        return {"skipped": True}
    PullRun.objects.filter(pk=run.pk).update(state=PullState.RUNNING)
    with translation.override(run.language):
        try:
            job = source_pull(source=run.source, user=run.requested_by)
        except PullError as exc:
            _finish(run.pk, PullState.FAILED, exc.render())
            return {"state": "failed"}
        except ValidationError as exc:
            _finish(run.pk, PullState.NOTHING, " ".join(str(m) for m in exc.messages))
            return {"state": "nothing"}
        except Exception:
            logger.exception("pull %s of server %s failed", run.pk, run.source_id)
            _finish(run.pk, PullState.FAILED, str(MSG_CRASHED))
            raise
        PullRun.objects.filter(pk=run.pk).update(job=job)
        task_id = queue.stored_id(context.task_result)
        try:
            background.run_here(job, "preview", task_id=task_id)
        finally:
            _finish(run.pk, PullState.DONE, "")
    return {"state": "done", "job": job.pk}


def _finish(pk: int, state: str, message: str) -> None:
    PullRun.objects.filter(pk=pk, state__in=ACTIVE).update(
        state=state, message=message, finished_at=timezone.now()
    )


@receiver(queue.task_lost)
def _on_task_lost(sender, result, **kwargs) -> None:
    for run in PullRun.objects.filter(task_id=result.id, state__in=ACTIVE):
        with translation.override(run.language):
            _finish(run.pk, PullState.FAILED, str(MSG_LOST))
