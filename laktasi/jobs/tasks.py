"""The background tasks (django-tasks). Each takes only JSON-safe arguments (ids, not rows)
and never personal data: arguments are stored in the queue table and shown to administrators.
"""

from __future__ import annotations

import time

from django_tasks import task

from laktasi.followups.services import schedules_refresh, snapshot_refresh
from laktasi.places.models import Facility
from laktasi.satusehat.client import CredentialsError
from laktasi.satusehat.selectors import configured_facilities
from laktasi.satusehat.services import NotConfiguredError, SyncRunningError, facility_sync


class SatusehatSyncError(Exception):
    """Some facility's sending failed (named, never with a secret); the rest was sent."""


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


@task()
def satusehat_sync(facility_id: int | None = None) -> dict:
    """Send every configured facility's contacts (or one facility's) to SATUSEHAT.

    A facility without credentials is skipped (it is listed as such); a failure of one
    facility does not stop the others, and fails the task at the end so the jobs page shows it.
    """
    facilities = [Facility.objects.get(pk=facility_id)] if facility_id else configured_facilities()
    results, failures = {}, []
    for facility in facilities:
        try:
            result = facility_sync(facility=facility)
        except NotConfiguredError:
            results[facility.name] = "not configured"
            continue
        except (CredentialsError, SyncRunningError) as exc:
            failures.append(f"{facility.name}: {exc}")
            continue
        results[facility.name] = {
            "sent": result.sent,
            "updated": result.updated,
            "rejected": result.rejected,
            "left_queued": result.left_queued,
        }
        if result.error:
            failures.append(f"{facility.name}: {result.error}")
    if failures:
        raise SatusehatSyncError("; ".join(failures))
    return results
