"""Which pages a role can reach: a crawl from the home page that follows every link to a page
of the app, one URL per URL name (the first met), so every view a role can open is visited once
whatever the size of the data. Shared by the accessibility audit (browser) and the Indonesian
walk (test client).
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qs, urldefrag, urlsplit

from django.urls import Resolver404, resolve

# Never followed: actions, machine endpoints and pages outside the product.
SKIPPED_NAMESPACES = {"admin", "api"}
SKIPPED_NAMES = {
    "logout",
    "set_language",
    "healthz",
    "readyz",
    "metrics",
    "materials:guide_sw",  # the offline guide's service worker (JavaScript)
    "imports:progress",  # an htmx fragment polled by the import page
    "followups:whatsapp",  # redirects to WhatsApp
    "links:whatsapp",
}


# Views that answer with a file (never with a page), and query parameters that ask a page
# for a file: the browser audit skips them, the Indonesian walk reads them.
FILE_VIEWS = {
    "dashboards:download",
    "imports:template",
    "imports:rejected",
    "instruments:xlsform",
    "materials:guide_pdf",
    "materials:signoff_pdf",
    "materials:leaflet",
    "materials:program_leaflet",
    "links:sheet",
    "links:csv",
    "privacy:export_json",
    "privacy:export_pdf",
}
# Pages whose main content appears once their GET form is submitted: the crawl adds the
# submitted form's URL ("{lang}" is the interface language of the visit).
FORM_RESULTS = {
    "reports:program": "format=web&lang={lang}",
    "reports:pooled": "outcome=knowledge_test:score&method=REML&test=knha&format=web&lang={lang}",
}


def is_file(path: str) -> bool:
    parts = urlsplit(path)
    query = parse_qs(parts.query)
    return url_name(parts.path) in FILE_VIEWS or query.get("format", ["web"])[0] != "web"


def form_result(path: str) -> str | None:
    """The submitted form's URL of a page listed in FORM_RESULTS."""
    parts = urlsplit(path)
    query = FORM_RESULTS.get(url_name(parts.path))
    return f"{parts.path}?{query}" if query and not parts.query else None


def url_name(path: str) -> str | None:
    """The namespaced URL name of a path of the app, or None outside it."""
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


def followable(href: str) -> str | None:
    """The local path (with query) of a link worth following, or None."""
    href, _ = urldefrag(href)
    parts = urlsplit(href)
    if parts.scheme not in {"", "http", "https"} or not parts.path.startswith("/"):
        return None
    if parts.scheme and parts.hostname not in {"localhost", "127.0.0.1", "testserver"}:
        return None
    name = url_name(parts.path)
    if name is None or name in SKIPPED_NAMES or name.split(":")[0] in SKIPPED_NAMESPACES:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


class LinkParser(HTMLParser):
    """Collects the href of every <a> of a page."""

    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_of(html: str) -> list[str]:
    parser = LinkParser()
    parser.feed(html)
    return parser.hrefs


FORMAT_PARAMS = {"format", "fmt", "download", "export"}


def page_key(path: str) -> tuple:
    """Paths with one key are the same page: same URL name and query parameter names (the
    values of a format parameter count, so a report's PDF and its DOCX are two)."""
    parts = urlsplit(path)
    query = parse_qs(parts.query, keep_blank_values=True)
    formats = tuple(sorted((k, v[0]) for k, v in query.items() if k in FORMAT_PARAMS))
    return (url_name(parts.path), tuple(sorted(query)), formats)


class Frontier:
    """Breadth-first over the paths of the app, one path per page key."""

    def __init__(self, start: list[str]):
        self.queue: list[str] = []
        self.keys: set[tuple] = set()
        self.add(start)

    def add(self, hrefs: list[str]) -> None:
        for href in hrefs:
            path = followable(href)
            if path and "{lang}" in href:
                path = href
            if path and page_key(path) not in self.keys:
                self.keys.add(page_key(path))
                self.queue.append(path)

    def next(self) -> str | None:
        return self.queue.pop(0) if self.queue else None
