"""Administrators' page of background jobs: workers, recent tasks and failures, periodic runs.

Shows task names, states and times, and a failure's exception class — never arguments or
tracebacks (they could carry data about a person).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django_tasks_db.models import DBTaskResult

from laktasi.jobs.files import ACTIVE, file_get, file_response, file_state
from laktasi.jobs.health import worker_seen
from laktasi.jobs.models import PeriodicRun, WorkerHeartbeat


def _row(result: DBTaskResult) -> dict:
    took = None
    if result.started_at and result.finished_at:
        took = (result.finished_at - result.started_at).total_seconds()
    return {
        "name": result.task_path.rsplit(".", 1)[-1],
        "status": result.status,
        "enqueued_at": result.enqueued_at,
        "started_at": result.started_at,
        "finished_at": result.finished_at,
        "seconds": took,
        "error": result.exception_class_path.rsplit(".", 1)[-1],
    }


@login_required
def jobs_view(request):
    if not request.user.is_administrator:
        raise Http404
    recent = DBTaskResult.objects.order_by("-enqueued_at")[:50]
    failed = DBTaskResult.objects.failed().order_by("-finished_at")[:20]
    context = {
        "workers": WorkerHeartbeat.objects.all()[:20],
        "recent": [_row(r) for r in recent],
        "failed": [_row(r) for r in failed],
        "periodic": PeriodicRun.objects.all()[:20],
        "queued": DBTaskResult.objects.ready().count(),
    }
    return render(request, "jobs/index.html", context)


@login_required
def file_view(request, pk: int):
    """A file being made for this user: its state, refreshing itself, then the download."""
    gf = file_get(user=request.user, pk=pk)
    state = file_state(gf)
    context = {"file": gf, "active": state in ACTIVE,
               "no_worker": state in ACTIVE and not worker_seen()}  # fmt: skip
    return render(request, "jobs/file.html", context)


@login_required
def file_download_view(request, pk: int):
    return file_response(file_get(user=request.user, pk=pk))
