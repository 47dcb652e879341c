"""The API docs page renders Swagger UI from vendored assets under the Content-Security-Policy,
with no request leaving the server and no CSP violation (headless Debian chromium)."""

from __future__ import annotations

import pytest

from tests.browser import DESKTOP


@pytest.mark.e2e
def test_docs_page_renders_offline_without_csp_violations(live_server, new_page):
    foreign, problems = [], []
    page = new_page(DESKTOP)
    page.on("request", lambda r: foreign.append(r.url)
            if not r.url.startswith((live_server.url, "data:")) else None)  # fmt: skip
    page.on("console", lambda m: problems.append(m.text)
            if "Content Security Policy" in m.text or m.type == "error" else None)  # fmt: skip
    response = page.goto(f"{live_server.url}/api/docs")
    assert "Content-Security-Policy" in response.headers or (
        "content-security-policy" in response.headers
    )
    page.wait_for_selector(".opblock", timeout=30000)
    assert page.locator(".opblock").count() > 10
    assert foreign == []
    assert problems == []
