"""One exporter interface for every format: ``render(report, fmt=..., lang=...)``.

Each module exposes ``render(report, *, lang) -> (filename, content_type, bytes)`` and
receives the finished report model, never a queryset (pretix's exporter pattern). They are
registered as the ``report`` kind of download of ``laktasi.core.exporting``, the interface
every download shares (dashboard tables, import templates, rejected rows, pooled reports).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.safestring import mark_safe

from laktasi.core.exporting import Rendered, export, exporter_register
from laktasi.reports.document import Report
from laktasi.reports.exporters import csv, docx, html, pdf, spss, xlsx

EXPORTERS: dict[str, Callable[..., Rendered]] = {
    "pdf": pdf.render,
    "docx": docx.render,
    "xlsx": xlsx.render,
    "html": html.render,
    "sav": spss.render,
    "csv": csv.render,
}
FORMATS = tuple(EXPORTERS)
KIND = "report"
for _fmt, _render in EXPORTERS.items():
    exporter_register(KIND, _fmt)(_render)


def render(report: Report, *, fmt: str, lang: str | None = None, **options: Any) -> Rendered:
    """Render ``report`` as ``fmt`` (one of :data:`FORMATS`) inside the report's language;
    ``options`` go to the format's exporter (HTML: ``part="page"`` for a report page)."""
    if fmt not in EXPORTERS:
        raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return export(KIND, report, fmt=fmt, lang=lang or report.lang, **options)


def render_page_body(report: Report) -> str:
    """The report's body for laktasi's own report pages, through the same interface as
    every download (the HTML exporter, ``part="page"``)."""
    _name, _type, body = render(report, fmt="html", part="page")
    return mark_safe(body.decode("utf-8"))  # noqa: S308 (the exporter's escaped template)
