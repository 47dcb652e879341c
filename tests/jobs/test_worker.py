"""The queue: a worker runs enqueued tasks; periodic jobs are enqueued once per period however
many workers ask; a task whose worker died is marked failed, not left running."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from laktasi.jobs import schedule, tasks
from laktasi.jobs.models import PeriodicRun, WorkerHeartbeat
from laktasi.jobs.worker import LOST_MESSAGE, LaktasiWorker, beat, reap_lost

pytestmark = pytest.mark.django_db(transaction=True)
JAKARTA = ZoneInfo("Asia/Jakarta")


def test_a_worker_runs_an_enqueued_task_and_writes_its_heartbeat():
    result = tasks.probe.enqueue()
    LaktasiWorker(interval=0, max_tasks=1, worker_id="w1").run()
    done = DBTaskResult.objects.get(id=result.id)
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert done.return_value == "ok"
    assert WorkerHeartbeat.objects.filter(worker_id="w1").exists()


def test_the_nightly_refresh_is_enqueued_once_per_night_by_many_workers(settings):
    settings.LAKTASI_NIGHTLY_AT = "01:30"
    before = dt.datetime(2026, 12, 3, 1, 0, tzinfo=JAKARTA)
    after = dt.datetime(2026, 12, 3, 2, 0, tzinfo=JAKARTA)
    assert schedule.enqueue_due(before) == []
    assert schedule.enqueue_due(after) == ["nightly_refresh"]
    assert schedule.enqueue_due(after + dt.timedelta(minutes=5)) == []  # a second worker
    assert PeriodicRun.objects.filter(name="nightly_refresh").count() == 1
    assert DBTaskResult.objects.filter(task_path__endswith="nightly_refresh").count() == 1
    next_night = dt.datetime(2026, 12, 4, 1, 45, tzinfo=JAKARTA)
    assert schedule.enqueue_due(next_night) == ["nightly_refresh"]


def test_the_nightly_refresh_task_rebuilds_schedules_and_snapshot(world):
    result = tasks.nightly_refresh.enqueue()
    LaktasiWorker(interval=0, max_tasks=1, worker_id="w-night").run()
    done = DBTaskResult.objects.get(id=result.id)
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert set(done.return_value) == {"schedules", "snapshot"}
    assert done.return_value["schedules"]["babies"] >= 0


def test_a_running_task_of_a_dead_worker_is_marked_failed(settings):
    settings.LAKTASI_WORKER_STALE_SECONDS = 60
    result = tasks.probe.enqueue(seconds=30)
    row = DBTaskResult.objects.get(id=result.id)
    row.claim("dead-worker")
    beat("dead-worker", current_task=row.id)
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - dt.timedelta(minutes=5))
    beat("live-worker")
    assert reap_lost() == 1
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    assert row.exception_class_path.endswith("LostWorkerError")
    assert LOST_MESSAGE in row.traceback


def test_a_running_task_of_a_live_worker_is_left_alone():
    result = tasks.probe.enqueue(seconds=30)
    row = DBTaskResult.objects.get(id=result.id)
    row.claim("busy-worker")
    beat("busy-worker", current_task=row.id)
    assert reap_lost() == 0
    row.refresh_from_db()
    assert row.status == TaskResultStatus.RUNNING


def _task_status(db: Path, task_id: str) -> str:
    """Read straight from the worker's SQLite file (a `laktasi shell` per poll costs seconds)."""
    with closing(sqlite3.connect(db)) as conn:
        row = conn.execute(
            "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = ?",
            [task_id.replace("-", "")],
        ).fetchone()
    return row[0] if row else ""


@pytest.mark.slow
def test_sigkill_of_a_worker_process_mid_task_is_recovered_by_another(tmp_path):
    """A real `laktasi worker` process killed with SIGKILL while it runs a task: a second
    worker marks the task failed (the page waiting for it says so) and goes on."""
    db = tmp_path / "jobs.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(LAKTASI_SQLITE_PATH=str(db), LAKTASI_VAR_DIR=str(tmp_path / "var"),
               LAKTASI_WORKER_STALE_SECONDS="2", PYTHONUNBUFFERED="1")  # fmt: skip
    run = [sys.executable, "-m", "laktasi"]
    subprocess.run([*run, "migrate", "-v0"], env=env, check=True, timeout=300)
    enqueue = "from laktasi.jobs import tasks; print(tasks.probe.enqueue(seconds=120).id)"
    task_id = subprocess.run([*run, "shell", "--no-imports", "-c", enqueue], env=env, check=True, timeout=120,
                             capture_output=True, text=True).stdout.strip()  # fmt: skip
    child = subprocess.Popen([*run, "worker", "--interval", "0.2", "--worker-id", "victim"],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    status = "READY"
    deadline = time.monotonic() + 120
    while status != "RUNNING" and time.monotonic() < deadline:
        time.sleep(0.2)
        status = _task_status(db, task_id)
    assert status == "RUNNING"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    time.sleep(3)  # past LAKTASI_WORKER_STALE_SECONDS
    rescue = "from laktasi.jobs.worker import beat, reap_lost; beat('rescuer'); print(reap_lost())"
    reaped = subprocess.run([*run, "shell", "--no-imports", "-c", rescue], env=env, check=True, timeout=120,
                            capture_output=True, text=True).stdout.strip()  # fmt: skip
    assert reaped == "1"
    assert _task_status(db, task_id) == "FAILED"
