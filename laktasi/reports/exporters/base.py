"""Helpers shared by the exporters: file names and spreadsheet-safe text."""

from __future__ import annotations

from laktasi.reports.document import Report

# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def filename(report: Report, ext: str) -> str:
    stem = "laporan-evaluasi" if report.lang == "id" else "evaluation-report"
    return f"{stem}-program-{report.program_pk}-{report.lang}.{ext}"


def safe_text(value: str) -> str:
    """Neutralise CSV/formula injection: prefix a quote to text a spreadsheet would evaluate.

    Numbers are written as numbers by the exporters and never pass through here, so a
    negative difference stays a number; only text such as ``=HYPERLINK(...)`` is changed.
    """
    text = str(value)
    if text and text[0] in FORMULA_PREFIXES:
        return "'" + text
    return text
