"""``/healthz`` and ``/readyz`` for load balancers and monitoring (no login, no personal data).

``/healthz``: the process answers. ``/readyz``: it can do its work — the database answers, every
migration is applied, a worker has been seen recently, and the nightly refresh is not overdue.
Each check says ok or what is wrong; any failed check makes the answer 503.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from laktasi.jobs.models import WorkerHeartbeat, last_run


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


def check_database() -> dict:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 — any failure means not ready; only its class is shown
        return {"ok": False, "detail": type(exc).__name__}
    return {"ok": True}


def check_migrations() -> dict:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return {"ok": not pending, "pending": len(pending)}


def check_worker(now: dt.datetime) -> dict:
    latest = WorkerHeartbeat.objects.order_by("-seen_at").first()
    if latest is None:
        return {"ok": False, "detail": "no worker has run"}
    age = (now - latest.seen_at).total_seconds()
    return {"ok": age <= settings.LAKTASI_READY_WORKER_SECONDS, "age_seconds": round(age)}


def worker_seen(now: dt.datetime | None = None) -> bool:
    """True when a worker was seen within ``LAKTASI_READY_WORKER_SECONDS`` (queued work will
    start); pages waiting for a task say so when not."""
    return check_worker(now or timezone.now())["ok"]


def check_nightly(now: dt.datetime) -> dict:
    run = last_run("nightly_refresh")
    limit = dt.timedelta(hours=settings.LAKTASI_READY_REFRESH_HOURS)
    if run is None:
        first = WorkerHeartbeat.objects.order_by("started_at").first()
        # A new installation has had no night yet: not a failure until a worker has been up
        # longer than the limit.
        young = first is None or now - first.started_at < limit
        return {"ok": young, "detail": "never run"}
    age = now - run.enqueued_at
    return {"ok": age <= limit, "age_hours": round(age.total_seconds() / 3600, 1)}


@never_cache
@require_GET
def readyz(request):
    now = timezone.now()
    checks = {"database": check_database()}
    if checks["database"]["ok"]:
        checks["migrations"] = check_migrations()
        checks["worker"] = check_worker(now)
        checks["nightly_refresh"] = check_nightly(now)
    ready = all(c["ok"] for c in checks.values())
    return JsonResponse({"status": "ok" if ready else "fail", "checks": checks},
                        status=200 if ready else 503)  # fmt: skip
