"""Helpers shared by the exporters: file names and spreadsheet-safe text."""

from __future__ import annotations

from laktasi.core.spreadsheet import safe_text
from laktasi.reports.document import Report

__all__ = ["filename", "safe_text"]  # safe_text: the one rule, in core/spreadsheet.py


def filename(report: Report, ext: str) -> str:
    stem = "laporan-evaluasi" if report.lang == "id" else "evaluation-report"
    return f"{stem}-program-{report.program_pk}-{report.lang}.{ext}"
