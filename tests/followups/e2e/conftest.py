"""Browser fixtures for follow-up and dashboard tests (shared: tests/browser.py)."""

from __future__ import annotations

import pytest

from tests.browser import PHONE, _async_unsafe_allowed, _urlconf_loaded, browser, new_page

__all__ = ["_async_unsafe_allowed", "_urlconf_loaded", "browser", "new_page", "phone"]


@pytest.fixture
def phone(new_page):
    """A 360 px wide page, as on a cheap Android phone, that may download files."""
    page = new_page(PHONE, accept_downloads=True)
    page.set_default_timeout(15000)
    return page
