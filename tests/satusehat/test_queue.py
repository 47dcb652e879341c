"""SATUSEHAT sending on the background queue: the nightly periodic job and the "Kirim
sekarang" button enqueue it; the task sends like `laktasi satusehat sync`."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django_tasks_db.models import DBTaskResult

from laktasi.jobs import schedule
from laktasi.satusehat import tasks
from tests.web.helpers import client_for

JAKARTA = ZoneInfo("Asia/Jakarta")


def test_the_queued_task_sends_every_health_worker_contact(sending):
    results = tasks.satusehat_sync.call(facility_id=sending.link.facility_id)
    assert results["Jenu"] == {"sent": 6, "updated": 0, "rejected": 0, "left_queued": 0}
    assert len(sending.double.held("Encounter")) == 6
    again = tasks.satusehat_sync.call()  # every configured facility; nothing sent twice
    assert again["Jenu"]["sent"] == 0
    assert len(sending.double.held("Encounter")) == 6


def test_a_failing_facility_fails_the_task_without_its_secret(sending):
    sending.double.clients["laktasi-client"] = "another secret"
    with pytest.raises(tasks.SatusehatSyncError) as caught:
        tasks.satusehat_sync.call()
    assert "Jenu" in str(caught.value)
    assert "another secret" not in str(caught.value)


def test_send_now_button_puts_the_facility_on_the_queue(sending):
    admin = client_for(sending.world.users["admin"])
    reply = admin.post(f"/satusehat/fasilitas/{sending.link.facility_id}/kirim/")
    assert reply.status_code == 302
    queued = DBTaskResult.objects.get(task_path__endswith="satusehat_sync")
    assert queued.args_kwargs["kwargs"] == {"facility_id": sending.link.facility_id}
    bidan = client_for(sending.world.users["bidan"])
    assert bidan.post(f"/satusehat/fasilitas/{sending.link.facility_id}/kirim/").status_code == 404


@pytest.mark.django_db
def test_sending_is_a_nightly_periodic_job(settings):
    settings.LAKTASI_SATUSEHAT_SYNC_AT = "02:30"
    assert "satusehat_sync" not in schedule.enqueue_due(
        dt.datetime(2026, 12, 3, 2, 0, tzinfo=JAKARTA)
    )
    assert "satusehat_sync" in schedule.enqueue_due(dt.datetime(2026, 12, 3, 3, 0, tzinfo=JAKARTA))
    assert schedule.enqueue_due(dt.datetime(2026, 12, 3, 4, 0, tzinfo=JAKARTA)) == []
