"""The SATUSEHAT background task (django-tasks), scheduled nightly by the workers
(``laktasi.jobs.schedule``) and enqueued by the "Kirim sekarang" button. Arguments are ids only.
"""

from __future__ import annotations

from django_tasks import task

from laktasi.places.models import Facility
from laktasi.satusehat.client import CredentialsError
from laktasi.satusehat.selectors import configured_facilities
from laktasi.satusehat.services import NotConfiguredError, SyncRunningError, facility_sync


class SatusehatSyncError(Exception):
    """Some facility's sending failed (named, never with a secret); the rest was sent."""


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
