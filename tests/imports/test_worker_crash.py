"""A `laktasi worker` process killed with SIGKILL in the middle of a web import: the database
holds none of the file, the reaper gives the job back to its user, the import page says so in
Indonesian, and starting it again imports the whole file once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date

import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from laktasi.imports import background
from laktasi.imports.models import ImportJob, ImportStatus
from laktasi.imports.services import importjob_create, importjob_preview
from laktasi.instruments.models import Response
from laktasi.jobs import schedule
from laktasi.jobs.models import PeriodicRun
from laktasi.jobs.worker import LaktasiWorker, beat, reap_lost
from laktasi.mothers.services import mother_register
from tests.conftest import PASSWORD
from tests.imports.conftest import kobo_export, write_csv

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
MOTHERS = 20
TIMEPOINTS = [("pre", ""), ("post", "")] + [("followup", n) for n in range(1, 99)]


def database_url() -> str:
    """The test database, for a second process (pytest-django renamed it)."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def big_import(world, tmp_path) -> ImportJob:
    """A checked (previewed) upload of MOTHERS × 100 knowledge tests, started on the queue."""
    mothers = [
        mother_register(
            registered_by=None,
            full_name=f"Ibu Uji {i}",
            birth_date=date(1995, 1, 1),
            village=world.regions["35.23.12.2005"],
            facility=world.melati,
            parity=1,
            consent={"text_version": "1"},
        )  # fmt: skip
        for i in range(MOTHERS)
    ]
    submissions = [
        {"mother_id": m.identifier, "timepoint": tp, "followup_number": n}
        for m in mothers
        for tp, n in TIMEPOINTS
    ]
    header, rows, _ = kobo_export("knowledge_test", submissions)
    path = write_csv(tmp_path / "besar.csv", header, rows)
    job = importjob_create(path=path, file_name="besar.csv", user=world.users["kader"],
                           program=world.program)  # fmt: skip
    importjob_preview(job=job)
    job.refresh_from_db()
    assert (job.status, job.created) == (ImportStatus.PREVIEWED, len(submissions))
    return job


PAUSE_LOCK = 22_2026
# Test-only DDL: after each statement that writes responses (the import's COPY batches), a
# worker whose transaction already holds rows waits for an advisory lock this test holds, so
# the kill lands mid-import every time, with rows written but not committed.
PAUSE_SQL = f"""
CREATE FUNCTION laktasi_test_pause() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM instruments_response) THEN
    PERFORM pg_advisory_xact_lock_shared({PAUSE_LOCK});
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER laktasi_test_pause AFTER INSERT ON instruments_response
  FOR EACH STATEMENT EXECUTE FUNCTION laktasi_test_pause();
"""
UNPAUSE_SQL = """
DROP TRIGGER IF EXISTS laktasi_test_pause ON instruments_response;
DROP FUNCTION IF EXISTS laktasi_test_pause();
"""


def paused_backend(holder, child, deadline: float) -> int | None:
    """The database session of the worker once it waits on the pause lock (rows written)."""
    while time.monotonic() < deadline and child.poll() is None:
        row = holder.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND wait_event = 'advisory'"
        ).fetchone()
        if row:
            return row[0]
        time.sleep(0.05)
    return None


def gone(holder, pid: int, deadline: float) -> bool:
    while time.monotonic() < deadline:
        if not holder.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
            return True
        time.sleep(0.05)
    return False


def test_sigkill_of_the_worker_mid_import_leaves_no_rows_and_the_page_says_so(
    client, world, tmp_path, settings, monkeypatch
):
    if connection.vendor == "sqlite":
        pytest.skip(
            "the SQLite test database lives in this process's memory, so a worker process "
            "cannot open it; tests/imports/test_kill.py kills an import on a SQLite file"
        )
    settings.JOBS_INLINE = False
    monkeypatch.setattr(background, "WAIT_SECONDS", 0)
    today = timezone.localdate().isoformat()
    for name in ("nightly_refresh", "satusehat_sync"):  # the worker runs only the import
        PeriodicRun.objects.create(name=name, period=today)
    job = big_import(world, tmp_path)
    total = job.created
    assert background.start(job, "commit")
    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING
    assert job.task_id

    env = {**os.environ, "DATABASE_URL": database_url(), "PYTHONUNBUFFERED": "1",
           "LAKTASI_MEDIA_ROOT": str(django_settings.MEDIA_ROOT)}  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(PAUSE_SQL)
    holder = psycopg.connect(database_url(), autocommit=True)
    try:
        holder.execute("SELECT pg_advisory_lock(%s)", [PAUSE_LOCK])
        started = time.monotonic()
        child = subprocess.Popen(
            [sys.executable, "-m", "laktasi", "worker", "--interval", "0.2",
             "--worker-id", "victim"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        try:
            backend = paused_backend(holder, child, started + 40)
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=10)
            assert backend, child.stderr.read()[-3000:]  # it reached the middle of the import
            assert child.returncode == -signal.SIGKILL
        finally:
            if child.poll() is None:
                child.kill()
            child.stderr.close()
        # Its session now notices the closed connection and rolls back.
        holder.execute("SELECT pg_advisory_unlock(%s)", [PAUSE_LOCK])
        assert gone(holder, backend, time.monotonic() + 10)
    finally:
        holder.close()
        with connection.cursor() as cursor:
            cursor.execute(UNPAUSE_SQL)

    # Nothing of the file is in the database; the job still looks running until the reaper.
    assert Response.objects.count() == 0
    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING
    assert DBTaskResult.objects.get(id=job.task_id).status == TaskResultStatus.RUNNING

    settings.LAKTASI_WORKER_STALE_SECONDS = 1
    time.sleep(1.2)  # the victim's heartbeat is now stale
    beat("rescuer")
    assert reap_lost() == 1
    task = DBTaskResult.objects.get(id=job.task_id)
    assert task.status == TaskResultStatus.FAILED
    assert task.exception_class_path.endswith("LostWorkerError")
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED
    assert str(background.MSG_INTERRUPTED) in job.notes

    client.login(username=world.users["kader"].username, password=PASSWORD)
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "Percobaan terakhir terputus" in page  # the last attempt was interrupted
    assert "tidak ada yang tersimpan" in page  # … nothing was written
    assert reverse("imports:commit", args=[job.pk]) in page  # and it can be started again

    # Started again, the whole file goes in once.
    monkeypatch.setattr(schedule, "enqueue_due", lambda now=None: [])
    assert background.start(job, "commit")
    LaktasiWorker(interval=0, max_tasks=1, worker_id="w-again").run()
    job.refresh_from_db()
    assert (job.status, job.created) == (ImportStatus.COMMITTED, total)
    assert Response.objects.count() == total
