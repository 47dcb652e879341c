"""Formats of the pooled evaluation: the report exporters' ``render()`` plus JSON and a CSV
that R reads as is (``rma(yi, vi, data = read.csv(F))``)."""

from __future__ import annotations

import csv
import io
import json

from django.utils import translation

from laktasi.core.exporting import Exporter, Rendered, export, exporter_register
from laktasi.reports.document import Report
from laktasi.reports.exporters import render as report_render
from laktasi.reports.exporters.base import safe_text

FORMATS = ("json", "csv", "xlsx", "pdf", "docx", "html")
KIND = "pooled_report"


def _csv(report: Report) -> bytes:
    # plain UTF-8 without a byte-order mark, "," and "." and empty = NA: read.csv's defaults
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([v.name for v in report.data.variables])
    for row in report.data.rows:
        writer.writerow(
            ["" if v is None else (safe_text(v) if isinstance(v, str) else repr(v)) for v in row]
        )
    return buf.getvalue().encode("utf-8")


def _name(report: Report, fmt: str) -> str:
    stem = "evaluasi-gabungan" if report.lang == "id" else "pooled-evaluation"
    return f"{stem}-{report.lang}.{fmt}"


@exporter_register(KIND, "json")
def _json(report: Report, *, lang: str | None) -> Rendered:
    body = json.dumps(report.numbers, ensure_ascii=False, indent=2).encode("utf-8")
    return _name(report, "json"), "application/json", body


@exporter_register(KIND, "csv")
def _csv_file(report: Report, *, lang: str | None) -> Rendered:
    return _name(report, "csv"), "text/csv; charset=utf-8", _csv(report)


def _as_report(fmt: str) -> Exporter:
    """The program report's exporter for ``fmt``, under the pooled report's file name."""

    def render(report: Report, *, lang: str | None) -> Rendered:
        with translation.override(report.lang):
            _file, content_type, body = report_render(report, fmt=fmt)
        return _name(report, fmt), content_type, body

    return render


for _fmt in ("xlsx", "pdf", "docx", "html"):
    exporter_register(KIND, _fmt)(_as_report(_fmt))


def pooled_render(report: Report, *, fmt: str) -> Rendered:
    """(file name, content type, bytes) of the pooled report in ``fmt`` (one of FORMATS)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return export(KIND, report, fmt=fmt)
