"""In the browser: a viewer follows "Lintas program", pools the programs, sees the forest plot
and downloads the CSV for metafor. The screenshot goes to var/test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import DESKTOP, login, shot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_viewer_pools_programs_and_downloads_the_metafor_csv(
    live_server,
    new_page,
    world,
    programs,
):
    page = new_page(DESKTOP)
    login(page, live_server.url, world.users["viewer"].username, PASSWORD)
    page.click('nav a[href="/laporan/gabungan/"]')
    page.select_option("select[name=outcome]", "knowledge_test:score")
    page.check('input[name="format"][value="web"]')
    page.check('input[name="lang"][value="id"]')
    page.click("form.report-form button[type=submit]")
    page.wait_for_selector("#f-forest img")
    rows = page.locator("#t-programs tbody tr")
    assert rows.count() == 5  # four programs with pairs and one without
    assert "tidak digabungkan: kurang dari 2 pasangan lengkap" in rows.nth(4).inner_text()
    assert "Antara desa" in page.inner_text("#s-pooled")
    assert "kelompok pembanding" in page.inner_text("#s-caveats")
    shot(page, "pooled-web-id")
    page.check('input[name="format"][value="csv"]')
    with page.expect_download() as download:
        page.click("form.report-form button[type=submit]")
    assert download.value.suggested_filename == "evaluasi-gabungan-id.csv"
    header = Path(download.value.path()).read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("program,label,year,kind,facility_kind,demo,ni,yi,vi")
