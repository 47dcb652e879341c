"""Indonesian everywhere: every page each role reaches from its home page, and every file those
pages offer (report PDF/DOCX/XLSX, leaflets, guides, dashboard CSV/XLSX, import templates and
the rejected rows of an import), read in the Indonesian interface with the demo's data, must not
contain an English word from a careful list of words that never occur in Indonesian text.

Text marked ``lang="en"`` (the language switch's "English", the English guide) is left out, as
are proper names and codes listed in ALLOWED.
"""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from django.conf import settings as django_settings
from django.utils import translation

from laktasi import materials
from laktasi.accounts.models import User
from laktasi.demo.loader import demo_load
from laktasi.demo.past import demo_past_programs_load
from laktasi.places.models import Facility
from tests.a11y.crawl import Frontier, form_result, links_of, url_name
from tests.imports.conftest import FIXTURES, run_import

# once_per_run: the walk checks the words of rendered pages and files, the same on both databases.
pytestmark = [pytest.mark.django_db, pytest.mark.slow, pytest.mark.once_per_run]

ROLES = ["demo-admin", "demo-koordinator", "demo-bidan", "demo-kader", "demo-viewer"]
# English words that are never Indonesian (checked as whole words, any case), and phrases.
ENGLISH_WORDS = {
    "the", "and", "with", "from", "this", "that", "which", "your", "you", "please", "should",
    "score", "scores", "participants", "participant", "mother", "mothers", "baby", "babies",
    "visit", "visits", "session", "sessions", "report", "download", "save", "cancel", "search",
    "before", "after", "week", "weeks", "days", "month", "months", "year", "years", "yes",
    "missing", "error", "errors", "required", "invalid", "unknown", "between", "each", "every",
    "were", "was", "are", "been", "have", "has", "not", "only", "into", "than", "there",
    "theme", "themes", "household", "breastfeeding", "husband", "women", "because",
}  # fmt: skip
ENGLISH_PHRASES = ["family influence", "colostrum discarded", "prelacteal"]
# Proper names that contain such words: an instrument's name, loanwords of everyday Indonesian,
# a button of Google's English interface, and (below) the cited works' titles and FACTS sections.
ALLOWED = [
    "Breastfeeding Self-Efficacy Scale",
    "baby oil",
    "baby blues",
    "Download responses",
]
# Files in both languages by design: the XLSForm carries label::Indonesian and label::English.
BILINGUAL_VIEWS = {"instruments:xlsform"}


def _cited_works() -> list[str]:
    """The titles of the works the materials cite (sources.yaml), as printed."""
    sources = yaml.safe_load(
        (Path(materials.__file__).parent / "content" / "sources.yaml").read_text("utf-8")
    )["sources"]
    texts = [t for s in sources for t in (s.get("short"), s.get("citation")) if t]
    return sorted({" ".join(t.split()) for t in texts}, key=len, reverse=True)


def _facts_sections() -> set[str]:
    """The FACTS references of content blocks ("§3 from the baby"), shown on the sign-off."""
    found = set()
    for path in (Path(materials.__file__).parent / "content").glob("*.yaml"):
        found.update(re.findall(r"§[^\"\]\n,]+", path.read_text("utf-8")))
    return found


FILE_TYPES = ("pdf", "spreadsheetml", "wordprocessingml", "csv", "text/plain")


class VisibleText(HTMLParser):
    """The text a reader meets: content, plus alt, title, placeholder and aria-label; without
    scripts, styles and anything inside an element marked lang="en"."""

    SKIP = {"script", "style", "template"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []

    def _skipping(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = (attrs.get("lang") or "").lower()
        skip = tag in self.SKIP or lang.startswith("en")
        if tag not in {"br", "img", "input", "meta", "link", "hr", "col", "source", "wbr"}:
            self.stack.append((tag, skip))
        if not (skip or self._skipping()):
            for name in ("alt", "title", "placeholder", "aria-label"):
                if attrs.get(name):
                    self.parts.append(attrs[name])

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if not self._skipping():
            self.parts.append(data)


def html_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def file_text(content_type: str, content: bytes) -> str:
    if "pdf" in content_type:
        from pypdf import PdfReader

        return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    if "spreadsheetml" in content_type:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True)
        cells = [
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        ]
        return " ".join([*book.sheetnames, *cells])
    if "wordprocessingml" in content_type:
        import docx

        document = docx.Document(io.BytesIO(content))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        return " ".join([*(p.text for p in document.paragraphs), *cells])
    return content.decode("utf-8-sig", errors="replace")


def english_in(text: str, allowed: list[str]) -> list[str]:
    """English words and phrases of ``text``; codes (snake_case, dotted, hyphenated, file
    names, URLs) and the allowed names are not words."""
    text = " ".join(text.split())
    for name in allowed:
        text = text.replace(name, " ")
    text = re.sub(r"[\w-]+(?: · [\w-]+)+", " ", text)  # a content block's id: key · part · id
    tokens = re.findall(r"[A-Za-z][\w.:/@#-]*", text)
    words = {t for t in tokens if t.isalpha() and t.lower() in ENGLISH_WORDS}
    return sorted(words | {p for p in ENGLISH_PHRASES if p in text.lower()})


def _context(text: str, word: str) -> str:
    match = re.search(rf"(?i)\b{re.escape(word)}\b", text)
    return text[max(0, match.start() - 60) : match.end() + 60].replace("\n", " ") if match else ""


def _file_paths(path: str) -> list[str]:
    """The downloads a page's GET form offers (the report in each file format)."""
    if url_name(path.split("?")[0]) == "reports:program" and "format=web" in path:
        base = path.split("?")[0]
        return [f"{base}?format={fmt}&lang=id" for fmt in ("pdf", "docx", "xlsx")]
    return []


def _walk(client, username: str, findings: dict, seen_files: set, allowed: list[str]) -> int:
    frontier = Frontier(["/"])
    visited = 0
    while (path := frontier.next()) is not None:
        response = client.get(path.format(lang="id"))
        if response.status_code != 200 or url_name(path.split("?")[0]) in BILINGUAL_VIEWS:
            continue
        visited += 1
        content_type = response.get("Content-Type", "")
        content = b"".join(response.streaming_content) if response.streaming else response.content
        if "text/html" in content_type:
            html = content.decode()
            text = html_text(html)
            frontier.add(links_of(html))
            frontier.add([p for p in [form_result(path)] if p])
            frontier.add(_file_paths(path))
        elif any(kind in content_type for kind in FILE_TYPES):
            if url_name(path.split("?")[0]) + content_type in seen_files:
                continue
            seen_files.add(url_name(path.split("?")[0]) + content_type)
            text = file_text(content_type, content)
        else:
            continue
        for word in english_in(text, allowed):
            findings.setdefault(f"{path} ({content_type.split(';')[0]})", []).append(
                f"{word}: …{_context(' '.join(text.split()), word)}…"
            )
    return visited


def test_the_indonesian_interface_and_its_files_have_no_english_words(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    demo_load()
    demo_past_programs_load()
    with translation.override("id"):  # an import's messages are kept in the uploader's language
        run_import(
            FIXTURES / "mothers_messy_cp1252.csv",
            user=User.objects.get(username="demo-bidan"),
            facility=Facility.objects.get(name="Posyandu Melati"),
            valid_only=True,
        )
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "id"
    findings: dict[str, list[str]] = {}
    seen_files: set[str] = set()
    visited = {}
    allowed = [*ALLOWED, *_cited_works(), *sorted(_facts_sections(), key=len, reverse=True)]
    for username in ROLES:
        client.force_login(User.objects.get(username=username))
        visited[username] = _walk(client, username, findings, seen_files, allowed)
    assert findings == {}, json.dumps(findings, indent=1, ensure_ascii=False)
    assert all(n >= 5 for n in visited.values()), visited
    assert len(seen_files) >= 8, seen_files
