"""Browser fixtures for the accessibility tests (shared with other folders: tests/browser.py)."""

from tests.browser import _async_unsafe_allowed, _urlconf_loaded, browser, new_page

__all__ = ["_async_unsafe_allowed", "_urlconf_loaded", "browser", "new_page"]
