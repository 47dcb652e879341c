"""Spreadsheet-safe cells, the one rule for every CSV and XLSX laktasi writes (report files,
dashboard downloads, import templates and rejected rows): a text cell that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe, so a spreadsheet
program shows it as text and never runs it (CSV/formula injection)."""

from __future__ import annotations

from typing import Any

# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """The cell made safe: text that would be evaluated gets an apostrophe; numbers, dates and
    empty cells pass unchanged (a negative difference stays a number)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_text(value: Any) -> str:
    """Any value as spreadsheet-safe text."""
    return str(neutralise(str(value)))
