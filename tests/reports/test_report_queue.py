"""Report files on the database queue: the download waits for a worker on a page only its
owner sees, the stored file is encrypted, it is downloaded once, and a lost worker is said
in Indonesian. Transactional tests: the worker reads what the request committed."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from laktasi.jobs import files, schedule
from laktasi.jobs.models import FileState, GeneratedFile, WorkerHeartbeat
from laktasi.jobs.worker import LaktasiWorker, beat, reap_lost
from tests.conftest import PASSWORD
from tests.reports.test_report_access_and_data import small_program  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def on_the_queue(settings, monkeypatch):
    settings.JOBS_INLINE = False
    monkeypatch.setattr(files, "WAIT_SECONDS", 0)  # no worker in the request's process
    monkeypatch.setattr(schedule, "enqueue_due", lambda now=None: [])


def _ask(client, program) -> GeneratedFile:
    url = reverse("reports:program", args=[program.pk])
    response = client.get(url, {"format": "xlsx", "lang": "en"})
    gf = GeneratedFile.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("jobs:file", args=[gf.pk])
    return gf


def test_a_report_file_is_made_by_a_worker_and_downloaded_once_by_its_owner(
    client,
    small_program,  # noqa: F811 (the imported fixture)
    on_the_queue,
):
    program, mothers = small_program
    client.login(username="koordinator", password=PASSWORD)
    gf = _ask(client, program)
    assert gf.state == FileState.QUEUED
    task = DBTaskResult.objects.get(id=gf.task_id)
    assert task.args_kwargs == {"args": [gf.pk], "kwargs": {}}  # an id, no personal data
    assert gf.params["program"] == program.pk
    status = reverse("jobs:file", args=[gf.pk])
    page = client.get(status).content.decode()
    assert "menunggu giliran" in page  # "waiting for its turn"
    assert 'http-equiv="refresh"' in page

    LaktasiWorker(interval=0, max_tasks=1, worker_id="w-files").run()
    gf.refresh_from_db()
    assert gf.state == FileState.DONE
    stored = gf.file.open("rb").read()
    gf.file.close()
    assert stored.startswith(files.MAGIC)  # encrypted at rest: no workbook, no names
    assert b"PK\x03\x04" not in stored
    assert mothers[0].full_name.encode() not in stored
    page = client.get(status).content.decode()
    download = reverse("jobs:file_download", args=[gf.pk])
    assert download in page
    assert "siap diunduh" in page

    # Someone else cannot see the page or the file.
    client.logout()
    client.login(username="kader-mawar", password=PASSWORD)
    assert client.get(status).status_code == 404
    assert client.get(download).status_code == 404

    client.logout()
    client.login(username="koordinator", password=PASSWORD)
    response = client.get(download)
    assert response.status_code == 200
    assert "attachment;" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.worksheets
    gf.refresh_from_db()
    assert not gf.file  # deleted once downloaded
    assert client.get(download).status_code == 404
    assert "sudah diunduh" in client.get(status).content.decode()


def test_a_report_file_whose_worker_died_says_so(
    client,
    small_program,  # noqa: F811 (the imported fixture)
    on_the_queue,
    settings,
):
    settings.LAKTASI_WORKER_STALE_SECONDS = 60
    program, _mothers = small_program
    client.login(username="koordinator", password=PASSWORD)
    gf = _ask(client, program)
    DBTaskResult.objects.get(id=gf.task_id).claim("dead-worker")
    GeneratedFile.objects.filter(pk=gf.pk).update(state=FileState.RUNNING)
    beat("dead-worker")
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - dt.timedelta(minutes=5))
    beat("live-worker")
    assert reap_lost() == 1
    gf.refresh_from_db()
    assert gf.state == FileState.FAILED
    page = client.get(reverse("jobs:file", args=[gf.pk])).content.decode()
    assert "terputus" in page  # "making the file was interrupted … ask for it again"
    assert 'http-equiv="refresh"' not in page


def test_a_quick_report_file_is_sent_at_once_and_not_kept(client, small_program):  # noqa: F811
    program, _mothers = small_program
    client.login(username="koordinator", password=PASSWORD)
    url = reverse("reports:program", args=[program.pk])
    response = client.get(url, {"format": "xlsx", "lang": "en"})
    assert response.status_code == 200
    assert "attachment;" in response["Content-Disposition"]
    gf = GeneratedFile.objects.get()
    assert gf.state == FileState.DONE
    assert not gf.file
