"""Web imports run in a background thread and show their progress; an interrupted one can be
started again. Transactional tests: the thread has its own database connection."""

from __future__ import annotations

import os
import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from laktasi.imports import background, progress
from laktasi.imports.models import ImportJob, ImportStatus
from laktasi.instruments.models import Response
from tests.conftest import PASSWORD
from tests.imports.conftest import kobo_export, run_import, write_csv

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def in_background(settings):
    settings.IMPORT_IN_BACKGROUND = True


def _join(job: ImportJob) -> None:
    for thread in threading.enumerate():
        if thread.name == f"laktasi-import-{job.pk}":
            thread.join(30)


def _csv(world, tmp_path, *timepoints) -> bytes:
    melati = world.mothers["melati"].identifier
    header, rows, _ = kobo_export(
        "knowledge_test", [{"mother_id": melati, "timepoint": tp} for tp in timepoints]
    )
    return write_csv(tmp_path / "k.csv", header, rows).read_bytes()


def _login(client, world):
    client.login(username=world.users["kader"].username, password=PASSWORD)


def test_upload_and_commit_run_in_a_thread_and_clean_up(client, world, tmp_path, in_background):
    _login(client, world)
    upload = SimpleUploadedFile("kobo.csv", _csv(world, tmp_path, "pre", "post"), "text/csv")
    response = client.post(reverse("imports:index"), {"file": upload, "kind": "auto",
                                                      "program": world.program.pk})  # fmt: skip
    job = ImportJob.objects.get()
    _join(job)
    job.refresh_from_db()
    assert (job.status, job.created) == (ImportStatus.PREVIEWED, 2)
    assert response.url == reverse("imports:detail", args=[job.pk])
    client.post(reverse("imports:commit", args=[job.pk]))
    _join(job)
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTED
    assert Response.objects.count() == 2
    assert not progress.progress_path(job.token).exists()
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "<progress" not in page


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
    assert background.start(job, "commit") is None  # already running: not started twice
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
