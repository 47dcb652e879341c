"""In Chromium at 360 px: upload a Google Forms file, switch the instrument (htmx), confirm
the mapping and see the check — no horizontal scrolling, no console error (CSP)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from laktasi.imports.models import ImportJob
from tests.browser import PHONE, login, shot
from tests.conftest import PASSWORD
from tests.imports.googleforms import all_correct, knowledge_rows, write_forms_csv

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_mapping_page_at_360px_with_htmx_instrument_switch(live_server, new_page, world,
                                                          tmp_path, settings):  # fmt: skip
    settings.MEDIA_ROOT = tmp_path / "media"
    header, rows = knowledge_rows({world.mothers["melati"].identifier: all_correct()})
    path = write_forms_csv(tmp_path / "Pre-test (Responses).csv", header, rows)
    page = new_page(PHONE)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    login(page, live_server.url, world.users["coordinator"].username, PASSWORD)
    page.goto(f"{live_server.url}/impor/petakan/")
    page.set_input_files("input[name=file]", str(path))
    page.select_option("select[name=program]", str(world.program.pk))
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=Pemetaan kolom")
    assert page.locator(".confidence").first.inner_text() == "cocok 100 %"
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= PHONE["width"], wide
    shot(page, "import-mapping-360")
    first_column = page.locator("select[name=col_5]")  # the first question column
    expect(first_column).to_have_value("k01_ebf_definition")
    page.select_option("select[name=instrument]", "milk_smoothness")  # htmx swaps the mapping
    expect(first_column).not_to_have_value("k01_ebf_definition", timeout=10000)
    assert page.url.endswith("/petakan/")  # swapped in place, not a page load
    page.select_option("select[name=instrument]", "knowledge_test")
    expect(first_column).to_have_value("k01_ebf_definition", timeout=10000)
    page.select_option("select[name=timepoint]", "pre")
    page.click("button.primary[type=submit]")
    page.wait_for_selector("text=Yang akan terjadi bila diimpor")
    job = ImportJob.objects.get()
    assert (job.created, job.rejected) == (1, 0)
    assert problems == []
