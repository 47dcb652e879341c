"""HTML: a self-contained web page (styles inside, charts as inline SVG), or the report's body
for laktasi's own report pages (``part="page"``)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from laktasi.reports import charts
from laktasi.reports.document import BulletList, Figure, Paragraph, Report, Table
from laktasi.reports.exporters.base import filename

CSS_PATH = Path(__file__).resolve().parent.parent / "static" / "reports" / "report.css"


@cache
def stylesheet() -> str:
    return CSS_PATH.read_text(encoding="utf-8")


def _kind(block) -> str:
    if isinstance(block, Paragraph):
        return "paragraph"
    if isinstance(block, BulletList):
        return "list"
    if isinstance(block, Figure):
        return "figure"
    if isinstance(block, Table):
        return "table"
    raise TypeError(type(block).__name__)


def sections_context(report: Report, *, images: bool = False) -> list[dict]:
    """Sections with each block tagged by kind; figures as inline SVG, or as <img> data URIs
    (``images=True``: for WeasyPrint, which renders each image on its own and faster, and for
    the web page, whose Content-Security-Policy blocks the style attributes of inline SVG)."""
    out = []
    for section in report.sections:
        blocks = []
        for block in section.blocks:
            item = {"kind": _kind(block), "obj": block}
            if isinstance(block, Figure):
                # matplotlib's own SVG output: no script, no user text that is not escaped
                markup = (
                    f'<img src="{charts.svg_data_uri(block.chart)}" alt="">'
                    if images
                    else charts.svg_inline(block.chart)
                )
                item["svg"] = mark_safe(markup)  # noqa: S308
            blocks.append(item)
        out.append({"key": section.key, "title": section.title, "blocks": blocks})
    return out


def document(report: Report, *, css: str, print_mode: bool = False) -> str:
    return render_to_string(
        "reports/report_document.html",
        {
            "report": report,
            "sections": sections_context(report, images=print_mode),
            "css": mark_safe(css),
            "print": print_mode,
        },
    )


PARTS = ("document", "page")


def page_body(report: Report) -> str:
    """The report's ``<article>`` for a page of laktasi (the program's and the pooled report
    page), which brings its own stylesheet; charts as ``<img>`` data URIs for its CSP."""
    return render_to_string(
        "reports/_report_body.html",
        {"report": report, "sections": sections_context(report, images=True)},
    )


def render(report: Report, *, lang: str | None, part: str = "document") -> tuple[str, str, bytes]:
    """The report as a file to download (``part="document"``) or as the body a report page
    embeds (``part="page"``)."""
    if part not in PARTS:
        raise ValueError(f"unknown part of an HTML report {part!r}; choose one of {PARTS}")
    text = document(report, css=stylesheet()) if part == "document" else page_body(report)
    return filename(report, "html"), "text/html; charset=utf-8", text.encode("utf-8")
