"""Browser fixtures for every browser test: Playwright (sync API) driving Debian's
/usr/bin/chromium, headless. Never downloads a browser.

A test folder's conftest (or a test module) imports the fixtures it needs from here. The
Playwright sync API runs an event loop, so Django's async-safety check is relaxed
(DJANGO_ALLOW_ASYNC_UNSAFE) while those tests run, and only then.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest
from django.urls import get_resolver
from playwright.sync_api import Error as PlaywrightError

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "var" / "test-artifacts"
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module", autouse=True)
def _async_unsafe_allowed():
    """Set only while these tests run: a process-wide setting would leak into subprocesses
    (``check --deploy`` warns about it)."""
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if before is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture(scope="module", autouse=True)
def _urlconf_loaded():
    """Import every view (some import heavy PDF libraries) in the main thread, before the live
    server's thread needs them: the first page then loads in normal time."""
    assert get_resolver().url_patterns


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per module (module scope: it is closed before another test
    folder starts its own Playwright)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (make test installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """Factory of pages in fresh contexts (one per user), in Indonesian, closed afterwards."""
    contexts = []

    def make(viewport=PHONE, **options):
        context = browser.new_context(viewport=viewport, locale="id-ID", **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30000)
        return page

    yield make
    for context in contexts:
        for page in context.pages:
            settle(page)
        context.close()


IDLE = "() => window.laktasiOffline ? window.laktasiOffline.idle() : null"


def settle(page) -> None:
    """Wait until the page's offline script has finished syncing and sending: a field
    worker's page syncs in the background after login, and a request still running in the
    live server when the test's database is flushed locks SQLite's tables."""
    # A closed or navigating page has nothing left running.
    with contextlib.suppress(PlaywrightError):
        page.evaluate(IDLE)


def shot(page, name: str) -> Path:
    """A screenshot of the whole page. The viewport is stretched to the page's height first, so
    the sticky "Save" bar sits where a tall screen would show it instead of over the content."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    size = page.viewport_size
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(height, size["height"])})
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path


def login(page, base_url: str, username: str, password: str) -> None:
    """Log in through the real login page."""
    page.goto(f"{base_url}/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/masuk/" not in url, wait_until="load")
    # A field worker's first page syncs her copy in the background; a test goes on once it is
    # done (a navigation meanwhile starts it again, and its page requests would race the
    # test's own writes on the in-memory SQLite database).
    settle(page)
