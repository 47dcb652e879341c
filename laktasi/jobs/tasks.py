"""The background tasks (django-tasks). Each takes only JSON-safe arguments (ids, not rows)
and never personal data: arguments are stored in the queue table and shown to administrators.
"""

from __future__ import annotations

import time

from django_tasks import task

from laktasi.followups.services import schedules_refresh, snapshot_refresh


@task()
def nightly_refresh() -> dict:
    """Visit schedules for every baby, then the dashboard snapshot (the old cron pair)."""
    totals = schedules_refresh()
    rows = snapshot_refresh()
    return {"schedules": totals, "snapshot": rows}


@task()
def dashboards_refresh() -> dict:
    """Rebuild the pre-aggregated indicator snapshot."""
    return snapshot_refresh()


@task()
def probe(seconds: float = 0.0) -> str:
    """A no-op the operators (and the tests) use to see a worker take and finish a task."""
    time.sleep(max(0.0, min(float(seconds), 600.0)))
    return "ok"
