"""Fixtures of every browser test (marked ``e2e``): Chromium and its pages come from
tests/browser.py; the world and the pooled programs from the data fixtures of their apps."""

from __future__ import annotations

import pytest

from tests.browser import PHONE, _async_unsafe_allowed, _urlconf_loaded, browser, new_page
from tests.pooled.conftest import programs

__all__ = ["_async_unsafe_allowed", "_urlconf_loaded", "browser", "new_page", "phone", "programs"]


@pytest.fixture
def phone(new_page):
    """A 360 px wide page, as on a cheap Android phone, that may download files."""
    page = new_page(PHONE, accept_downloads=True)
    page.set_default_timeout(15000)
    return page
