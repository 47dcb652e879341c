"""In Chromium, under the Content-Security-Policy: a running import's page shows its progress,
polls it with htmx and opens the result by itself when the import ends."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from laktasi.imports import progress
from laktasi.imports.models import ImportJob, ImportStatus
from tests.browser import PHONE, login, shot
from tests.conftest import PASSWORD
from tests.imports.conftest import kobo_export, run_import, write_csv

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_progress_bar_polls_and_the_result_opens_when_done(live_server, new_page, world,
                                                           tmp_path, settings):  # fmt: skip
    settings.MEDIA_ROOT = tmp_path / "media"
    header, rows, _ = kobo_export(
        "knowledge_test", [{"mother_id": world.mothers["melati"].identifier, "timepoint": "pre"}]
    )
    job, _plan = run_import(write_csv(tmp_path / "k.csv", header, rows), commit=False,
                            user=world.users["kader"], program=world.program)  # fmt: skip
    progress.progress_write(job.token, task="commit", stage="writing", done=400, total=1000)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    page = new_page(PHONE)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    login(page, live_server.url, world.users["kader"].username, PASSWORD)
    page.goto(f"{live_server.url}/impor/{job.pk}/")
    bar = page.locator("#import-progress progress")
    assert bar.get_attribute("value") == "400"
    assert "400 dari 1.000 baris" in page.locator("#import-progress").inner_text()
    progress.progress_write(job.token, task="commit", stage="writing", done=900, total=1000)
    expect(bar).to_have_attribute("value", "900", timeout=10000)  # htmx polled the new count
    shot(page, "import-progress-360")
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.COMMITTED)
    page.wait_for_selector("text=Hasil", timeout=15000)  # the page reloaded with the result
    assert page.locator("#import-progress").count() == 0
    assert problems == []
