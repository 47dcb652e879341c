"""Web imports run on the job queue (the database backend, run by a worker) and show their
state; an interrupted one can be started again. Transactional tests: the worker reads what the
request committed."""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from laktasi.imports import background, progress
from laktasi.imports.models import ImportJob, ImportStatus
from laktasi.instruments.models import Response
from laktasi.jobs import queue, schedule
from laktasi.jobs.models import WorkerHeartbeat
from laktasi.jobs.worker import LaktasiWorker, beat, reap_lost, start_embedded
from tests.conftest import PASSWORD
from tests.imports.conftest import kobo_export, run_import, write_csv

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def on_the_queue(settings, monkeypatch):
    settings.JOBS_INLINE = False
    monkeypatch.setattr(background, "WAIT_SECONDS", 0)  # no worker in the request's process
    monkeypatch.setattr(schedule, "enqueue_due", lambda now=None: [])  # only this test's tasks


def _work(worker_id: str = "w-test") -> None:
    LaktasiWorker(interval=0, max_tasks=1, worker_id=worker_id).run()


def _csv(world, tmp_path, *timepoints) -> bytes:
    melati = world.mothers["melati"].identifier
    header, rows, _ = kobo_export(
        "knowledge_test", [{"mother_id": melati, "timepoint": tp} for tp in timepoints]
    )
    return write_csv(tmp_path / "k.csv", header, rows).read_bytes()


def _login(client, world):
    client.login(username=world.users["kader"].username, password=PASSWORD)


def test_upload_and_commit_wait_in_the_queue_then_a_worker_runs_them(
    client, world, tmp_path, on_the_queue
):
    _login(client, world)
    upload = SimpleUploadedFile("kobo.csv", _csv(world, tmp_path, "pre", "post"), "text/csv")
    response = client.post(reverse("imports:index"), {"file": upload, "kind": "auto",
                                                      "program": world.program.pk})  # fmt: skip
    job = ImportJob.objects.get()
    assert response.url == reverse("imports:detail", args=[job.pk])
    assert job.status == ImportStatus.RUNNING
    queued = DBTaskResult.objects.get(id=job.task_id)
    assert queued.status == TaskResultStatus.READY
    assert queued.args_kwargs["args"] == [job.pk, "preview", False]  # an id, no personal data
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "Menunggu giliran" in page  # "waiting for its turn", Indonesian first
    assert "Tidak ada pekerja latar" in page  # and no worker has been seen yet
    _work()
    job.refresh_from_db()
    assert (job.status, job.created) == (ImportStatus.PREVIEWED, 2)
    assert DBTaskResult.objects.get(id=queued.id).status == TaskResultStatus.SUCCESSFUL
    client.post(reverse("imports:commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "Tidak ada pekerja latar" not in page  # the worker has been seen
    _work()
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTED
    assert Response.objects.count() == 2
    assert not progress.progress_path(job.token).exists()
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "<progress" not in page


def test_an_import_whose_worker_died_is_given_back_with_a_message(
    client, world, tmp_path, on_the_queue, settings
):
    settings.LAKTASI_WORKER_STALE_SECONDS = 60
    job, _plan = run_import(write_csv(tmp_path / "k.csv", *kobo_export("knowledge_test", [
        {"mother_id": world.mothers["melati"].identifier, "timepoint": "pre"}])[:2]),
        commit=False, user=world.users["kader"], program=world.program)  # fmt: skip
    assert background.start(job, "commit")
    job.refresh_from_db()
    row = DBTaskResult.objects.get(id=job.task_id)
    row.claim("dead-worker")
    beat("dead-worker", current_task=row.id)
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - dt.timedelta(minutes=5))
    _login(client, world)
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "<progress" in page  # its task still shows running until the reaper looks
    beat("live-worker")
    assert reap_lost() == 1
    job.refresh_from_db()
    assert (job.status, job.task_id) == (ImportStatus.PREVIEWED, None)
    assert str(background.MSG_INTERRUPTED) in job.notes
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "terputus" in page  # "the last attempt was interrupted …; nothing was written"
    assert reverse("imports:commit", args=[job.pk]) in page  # it can be started again
    assert Response.objects.count() == 0


def test_running_job_shows_its_progress_and_the_page_reloads_when_done(client, world, tmp_path):
    job, _plan = run_import(write_csv(tmp_path / "k.csv", *kobo_export("knowledge_test", [
        {"mother_id": world.mothers["melati"].identifier, "timepoint": "pre"}])[:2]),
        commit=False, user=world.users["kader"], program=world.program)  # fmt: skip
    progress.progress_write(job.token, task="commit", stage="writing", done=40, total=100)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    _login(client, world)
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert '<progress max="100" value="40">' in page
    assert "40 dari 100 baris" in page  # Indonesian first
    assert 'http-equiv="refresh"' in page  # without JavaScript the page reloads itself
    assert 'hx-trigger="every 1s"' in page
    assert reverse("imports:commit", args=[job.pk]) not in page  # no second start
    fragment = client.get(reverse("imports:progress", args=[job.pk]))
    assert fragment.status_code == 200
    assert b"<progress" in fragment.content
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.COMMITTED)
    done = client.get(reverse("imports:progress", args=[job.pk]))
    assert (done.status_code, done["HX-Refresh"]) == (204, "true")


def test_interrupted_import_can_be_started_again(client, world, tmp_path):
    job, _plan = run_import(write_csv(tmp_path / "k.csv", *kobo_export("knowledge_test", [
        {"mother_id": world.mothers["melati"].identifier, "timepoint": "pre"}])[:2]),
        commit=False, user=world.users["kader"], program=world.program)  # fmt: skip
    progress.progress_write(job.token, task="commit", stage="writing", done=1, total=1)
    stale = time.time() - progress.STALE_SECONDS - 60
    os.utime(progress.progress_path(job.token), (stale, stale))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    _login(client, world)
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED
    assert "terputus" in page  # "the last attempt was interrupted …; nothing was written"
    assert Response.objects.count() == 0
    client.post(reverse("imports:commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTED
    assert Response.objects.count() == 1


def test_a_preview_interrupted_before_any_count_fails_cleanly(world, tmp_path):
    job, _plan = run_import(write_csv(tmp_path / "k.csv", *kobo_export("knowledge_test", [
        {"mother_id": world.mothers["melati"].identifier, "timepoint": "pre"}])[:2]),
        commit=False)  # fmt: skip
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, rows_read=0,
                                               created=0)  # fmt: skip
    job.refresh_from_db()
    assert background.recover_if_stale(job)  # no progress file at all: its process died
    assert job.status == ImportStatus.FAILED


def test_a_job_starts_once_and_an_error_leaves_it_startable(world, tmp_path, monkeypatch):
    job, _plan = run_import(write_csv(tmp_path / "k.csv", *kobo_export("knowledge_test", [
        {"mother_id": world.mothers["melati"].identifier, "timepoint": "pre"}])[:2]),
        commit=False)  # fmt: skip
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    assert background.start(job, "commit") is False  # already running: not started twice
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.PREVIEWED)

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(background, "importjob_commit", broken)
    background.start(job, "commit")
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED
    assert str(background.MSG_FAILED) in job.notes
    assert not progress.progress_path(job.token).exists()


def test_reporter_writes_at_stage_changes_and_at_the_end(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    reporter = progress.ProgressReporter("tok", "commit")
    assert progress.progress_read("tok").stage == "checking"

    class Plan:
        creates, updates = [0] * 2500, []

    reporter.on_plan(Plan)
    assert (progress.progress_read("tok").stage, progress.progress_read("tok").total) == (
        "writing",
        2500,
    )
    for _ in range(3):
        reporter(1000 if reporter.done < 2000 else 500)
    final = progress.progress_read("tok")
    assert (final.done, final.total, final.percent) == (2500, 2500, 100)


def test_the_embedded_worker_of_serve_is_woken_by_an_upload(
    client, world, tmp_path, settings, monkeypatch
):
    """`laktasi serve`'s worker thread is woken by the upload, not by its next poll (30 s
    here), so a small file is checked within moments (usually before the page answers)."""
    if connection.vendor == "sqlite":
        pytest.skip(
            "two threads writing at once to pytest-django's shared-cache in-memory SQLite "
            "database fail at once (table locks, no busy wait); a SQLite file in WAL mode "
            "waits instead. Runs on PostgreSQL."
        )
    settings.JOBS_INLINE = False
    monkeypatch.setattr(schedule, "enqueue_due", lambda now=None: [])
    thread, stop = start_embedded(interval=30)
    try:
        _login(client, world)
        upload = SimpleUploadedFile("kobo.csv", _csv(world, tmp_path, "pre"), "text/csv")
        asked = time.monotonic()
        client.post(reverse("imports:index"), {"file": upload, "kind": "auto",
                                               "program": world.program.pk})  # fmt: skip
        job = ImportJob.objects.get()
        while job.status == ImportStatus.RUNNING and time.monotonic() - asked < 20:
            time.sleep(0.1)
            job.refresh_from_db()
        assert time.monotonic() - asked < 20  # well before the 30 s poll
        assert (job.status, job.created) == (ImportStatus.PREVIEWED, 1)
        assert DBTaskResult.objects.get(id=job.task_id).status == TaskResultStatus.SUCCESSFUL
    finally:
        stop.set()
        queue.WAKE.set()
        thread.join(30)
    assert not thread.is_alive()
    with connection.cursor() as cursor:  # the stopped thread left no session behind
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        assert cursor.fetchone()[0] == 0
