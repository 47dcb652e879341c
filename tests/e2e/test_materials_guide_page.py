"""In Chromium at 360 px: the phone step-by-step guide page (targets, timers, offline) and the
public Q&A search, under the project's Content-Security-Policy. The page's markup, contrast and
data are checked without a browser in tests/materials/test_materials_guide_page.py."""

from __future__ import annotations

import re

import pytest

from laktasi.materials import content
from laktasi.materials.services import qa_load


@pytest.fixture(scope="module")
def site(live_server):
    """The real views (page, sw.js, static files) behind the project's middleware, so the
    browser enforces the project's Content-Security-Policy."""
    return live_server.url


@pytest.fixture
def browser_page(browser):
    """A fresh 360 px wide phone context (own service workers and caches) per test."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # A Content-Security-Policy violation is reported on the console.
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    yield page, context, errors
    context.close()


@pytest.mark.e2e
def test_phone_guide_fits_360px_and_targets_are_large(site, browser_page):
    page, _, errors = browser_page
    page.goto(f"{site}/materi/panduan/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for locator in (page.locator("button"), page.locator(".choice-item"), page.locator(".nav a")):
        for i in range(locator.count()):
            box = locator.nth(i).bounding_box()
            assert box["height"] >= 48
            assert box["width"] >= 48
    assert errors == []


@pytest.mark.e2e
def test_massage_timer_counts_a_round_after_the_chosen_time(site, browser_page):
    page, _, errors = browser_page
    page.clock.install()
    page.goto(f"{site}/materi/panduan/")
    timer = page.locator("#massage-timer")
    timer.get_by_label("2 menit").check()
    timer.locator('[data-action="toggle"]').click()
    page.clock.run_for(61_000)
    assert timer.locator("[data-clock]").inner_text() == "0:59"
    page.clock.run_for(60_000)
    assert timer.locator("[data-rounds]").inner_text() == "1"
    assert (
        timer.locator("[data-status]").inner_text()
        == content.labels(lang="id")["massage_round_done"]
    )
    timer.locator('[data-action="reset"]').click()
    assert timer.locator("[data-rounds]").inner_text() == "0"
    assert errors == []


@pytest.mark.e2e
def test_marmet_timer_prompts_at_min_and_max_then_moves_on(site, browser_page):
    page, _, errors = browser_page
    page.clock.install()
    page.goto(f"{site}/materi/panduan/en/")
    timer = page.locator("#marmet-timer")
    assert "Stage 1 of 9" in timer.locator("[data-stage-count]").inner_text()
    timer.locator('[data-action="toggle"]').click()
    page.clock.run_for(5 * 60_000 + 1_000)
    assert "5 minutes done" in timer.locator("[data-status]").inner_text()
    page.clock.run_for(2 * 60_000)
    assert "7 minutes" in timer.locator("[data-status]").inner_text()
    assert timer.locator("[data-clock]").inner_text() == "7:00"
    timer.locator('[data-action="next"]').click()
    assert "second breast" in timer.locator("[data-stage-title]").inner_text()
    timer.locator('[data-action="next"]').click()
    assert "Massage – stroke – shake" in timer.locator("[data-stage-title]").inner_text()
    assert timer.locator('[data-action="toggle"]').is_hidden()
    assert errors == []


@pytest.mark.e2e
def test_guide_page_still_opens_offline_after_the_first_visit(site, browser_page):
    page, context, errors = browser_page
    url = f"{site}/materi/panduan/"
    page.goto(url)
    ready = content.labels(lang="id")["guide_offline_ready"]
    page.wait_for_function(
        "text => document.getElementById('offline-status').textContent === text", arg=ready
    )
    context.set_offline(True)
    page.reload()
    assert page.locator("h1").inner_text() == content.labels(lang="id")["guide_page_title"]
    assert page.locator("#massage-timer [data-action='toggle']").is_visible()
    assert errors == []


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_qa_search_works_with_htmx_under_the_csp(site, browser_page):
    """The public Q&A page: htmx swaps the results in; no CSP violation, no page error."""
    qa_load()
    page, _, errors = browser_page
    page.goto(f"{site}/materi/tanya-jawab/?lang=id")
    page.fill("#qa-page-q", "cara ngangetin asip beku")
    page.click("form.qa-search button[type=submit]")
    page.wait_for_url(re.compile(r".*q=cara.*"))
    first = page.locator("#qa-results details").first
    question = content.qa_entries(lang="id")
    expected = next(e for e in question if e["id"] == "mencairkan-asip")["question"]
    assert first.locator("summary").inner_text().strip() == expected.strip()
    assert errors == []
