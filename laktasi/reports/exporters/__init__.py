"""One exporter interface for every format: ``render(report, fmt=..., lang=...)``.

Each module exposes ``render(report, *, lang) -> (filename, content_type, bytes)`` and
receives the finished report model, never a queryset (pretix's exporter pattern).
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils import translation

from laktasi.reports.document import Report
from laktasi.reports.exporters import csv, docx, html, pdf, spss, xlsx

Rendered = tuple[str, str, bytes]

EXPORTERS: dict[str, Callable[..., Rendered]] = {
    "pdf": pdf.render,
    "docx": docx.render,
    "xlsx": xlsx.render,
    "html": html.render,
    "sav": spss.render,
    "csv": csv.render,
}
FORMATS = tuple(EXPORTERS)


def render(report: Report, *, fmt: str, lang: str | None = None) -> Rendered:
    """Render ``report`` as ``fmt`` (one of :data:`FORMATS`) inside the report's language."""
    if fmt not in EXPORTERS:
        raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")
    lang = lang or report.lang
    with translation.override(lang):
        return EXPORTERS[fmt](report, lang=lang)
