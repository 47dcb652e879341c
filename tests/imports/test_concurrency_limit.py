"""Issue 16 (low): at most MAX_CONCURRENT_JOBS imports and report generations per user."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from laktasi.core.concurrency import job_slot
from laktasi.imports.models import ImportJob, ImportStatus
from laktasi.imports.progress import progress_clear, progress_write
from laktasi.imports.services import importjob_create
from tests.imports.conftest import FIXTURES


def _running(world, n: int) -> list[ImportJob]:
    jobs = []
    for _ in range(n):
        job = importjob_create(path=FIXTURES / "mothers_messy_cp1252.csv", file_name="a.csv",
                               user=world.users["kader"], facility=world.melati)  # fmt: skip
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
        progress_write(job.token, task="commit", stage="writing", done=1, total=10)
        jobs.append(job)
    return jobs


def test_low_third_concurrent_import_is_refused_with_a_clear_message(world, client, settings):
    settings.MAX_CONCURRENT_JOBS = 2
    running = _running(world, 2)
    waiting = importjob_create(path=FIXTURES / "mothers_messy_cp1252.csv", file_name="b.csv",
                               user=world.users["kader"], facility=world.melati)  # fmt: skip
    client.force_login(world.users["kader"])
    upload = SimpleUploadedFile("c.csv", b"nama\nAni\n", content_type="text/csv")
    with translation.override("id"):
        refused = client.post(reverse("imports:index"), {"file": upload, "kind": "auto"},
                              HTTP_ACCEPT_LANGUAGE="id")  # fmt: skip
    assert refused.status_code == 429
    assert "Tunggu" in refused.content.decode()
    assert ImportJob.objects.count() == 3  # nothing stored
    commit = client.post(reverse("imports:commit", args=[waiting.pk]))
    assert commit.status_code == 429
    waiting.refresh_from_db()
    assert waiting.status == ImportStatus.PREVIEWED
    # Another user is not affected; and a job whose process died does not count.
    progress_clear(running[0].token)
    assert client.post(reverse("imports:commit", args=[waiting.pk])).status_code == 302


def test_low_third_concurrent_report_is_refused(world, client, settings):
    settings.MAX_CONCURRENT_JOBS = 2
    coordinator = world.users["coordinator"]
    client.force_login(coordinator)
    url = reverse("reports:program", args=[world.program.pk])
    with job_slot(user=coordinator, kind="report"), job_slot(user=coordinator, kind="report"):
        assert client.get(url, {"format": "csv", "lang": "id"}).status_code == 429
        assert client.get(url).status_code == 200  # the form page itself is cheap
    assert client.get(url, {"format": "csv", "lang": "id"}).status_code == 200
