"""Formats of the pooled evaluation: the report exporters' ``render()`` plus JSON and a CSV
that R reads as is (``rma(yi, vi, data = read.csv(F))``)."""

from __future__ import annotations

import csv
import io
import json

from django.utils import translation

from laktasi.reports.document import Report
from laktasi.reports.exporters import render as report_render
from laktasi.reports.exporters.base import safe_text

FORMATS = ("json", "csv", "xlsx", "pdf", "docx", "html")


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


def pooled_render(report: Report, *, fmt: str) -> tuple[str, str, bytes]:
    """(file name, content type, bytes) of the pooled report in ``fmt`` (one of FORMATS)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    stem = "evaluasi-gabungan" if report.lang == "id" else "pooled-evaluation"
    name = f"{stem}-{report.lang}.{fmt}"
    if fmt == "json":
        body = json.dumps(report.numbers, ensure_ascii=False, indent=2).encode("utf-8")
        return name, "application/json", body
    if fmt == "csv":
        return name, "text/csv; charset=utf-8", _csv(report)
    with translation.override(report.lang):
        _name, content_type, body = report_render(report, fmt=fmt)
    return name, content_type, body
