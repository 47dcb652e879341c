""" "Pull data" on the database queue: the click queues a task, the servers page shows its state,
a worker fetches and checks the submissions, and the page then links the result; a failed or
lost pull says why in Indonesian. Transactional tests: the worker reads what the request
committed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from laktasi.imports.models import ImportJob, ImportStatus
from laktasi.imports.pull import background as pull_background
from laktasi.imports.pull.models import PullRun, PullState
from laktasi.jobs import schedule
from laktasi.jobs.models import WorkerHeartbeat
from laktasi.jobs.worker import LaktasiWorker, beat, reap_lost
from tests.conftest import PASSWORD
from tests.imports.servers import running_servers
from tests.imports.test_pull import ROOT, kobo_source, kobo_sub

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def on_the_queue(settings, monkeypatch):
    settings.JOBS_INLINE = False
    monkeypatch.setattr(pull_background, "WAIT_SECONDS", 0)
    monkeypatch.setattr(schedule, "enqueue_due", lambda now=None: [])


def _page(client) -> str:
    return client.get(reverse("imports:servers")).content.decode()


def test_a_pull_waits_in_the_queue_then_a_worker_fetches_and_checks_it(client, world, on_the_queue):
    coordinator = world.users["coordinator"]
    client.login(username=coordinator.username, password=PASSWORD)
    with running_servers() as fake:
        source = kobo_source(world, fake.url)
        fake.kobo_assets["aXyz"] = [kobo_sub(world.mothers["melati"].identifier, "pre", ROOT[0])]
        response = client.post(reverse("imports:server_pull", args=[source.pk]))
        assert response.url == reverse("imports:servers")
        run = PullRun.objects.get()
        assert (run.state, run.requested_by) == (PullState.QUEUED, coordinator)
        task = DBTaskResult.objects.get(id=run.task_id)
        assert task.args_kwargs == {"args": [run.pk], "kwargs": {}}  # no token, no rows
        page = _page(client)
        assert "menunggu giliran" in page
        assert 'http-equiv="refresh"' in page  # the page follows the pull by itself
        assert not fake.requests  # nothing fetched in the request
        LaktasiWorker(interval=0, max_tasks=1, worker_id="w-pull").run()
    run.refresh_from_db()
    assert run.state == PullState.DONE
    job = ImportJob.objects.get()
    assert (run.job, job.status, job.created) == (job, ImportStatus.PREVIEWED, 1)
    page = _page(client)
    assert reverse("imports:detail", args=[job.pk]) in page
    assert 'http-equiv="refresh"' not in page
    # Another user who sees the server does not see this user's pull.
    client.login(username=world.users["admin"].username, password=PASSWORD)
    page = _page(client)
    assert source.form_id in page
    assert reverse("imports:detail", args=[job.pk]) not in page


def test_a_pull_the_server_refuses_shows_why(client, world, on_the_queue):
    client.login(username=world.users["coordinator"].username, password=PASSWORD)
    with running_servers() as fake:
        source = kobo_source(world, fake.url, token="salah")
        client.post(reverse("imports:server_pull", args=[source.pk]))
        LaktasiWorker(interval=0, max_tasks=1, worker_id="w-pull").run()
    run = PullRun.objects.get()
    assert run.state == PullState.FAILED
    assert "menolak" in run.message  # "… refused the token or password" (Indonesian)
    assert run.message in _page(client)
    assert not ImportJob.objects.exists()


def test_a_pull_whose_worker_died_is_marked_failed(client, world, on_the_queue, settings):
    settings.LAKTASI_WORKER_STALE_SECONDS = 60
    client.login(username=world.users["coordinator"].username, password=PASSWORD)
    with running_servers() as fake:
        source = kobo_source(world, fake.url)
        client.post(reverse("imports:server_pull", args=[source.pk]))
    run = PullRun.objects.get()
    DBTaskResult.objects.get(id=run.task_id).claim("dead-worker")
    PullRun.objects.filter(pk=run.pk).update(state=PullState.RUNNING)
    beat("dead-worker")
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - dt.timedelta(minutes=5))
    beat("live-worker")
    assert reap_lost() == 1
    run.refresh_from_db()
    assert run.state == PullState.FAILED
    assert "terputus" in _page(client)  # "the pull was interrupted …; nothing was imported"
