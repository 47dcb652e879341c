"""CSV and XLSX downloads of a dashboard table, safe against formula injection.

A text cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab/carriage return) gets a
leading single quote, so a spreadsheet shows it as text instead of running it.
"""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from laktasi.core.spreadsheet import neutralise
from laktasi.dashboards.indicators import Table


def _rows(table: Table) -> list[list]:
    return [[neutralise(c) for c in table.columns]] + [
        [neutralise(c) for c in row] for row in table.rows
    ]


def render(table: Table, fmt: str) -> tuple[str, str, bytes]:
    """(filename, content type, bytes) — one interface for both formats."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerows(_rows(table))
        for note in table.notes:
            writer.writerow([neutralise(note)])
        return f"{table.key}.csv", "text/csv; charset=utf-8", buffer.getvalue().encode("utf-8-sig")
    if fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.title = table.key[:31]
        for row in _rows(table):
            sheet.append(row)
        for note in table.notes:
            sheet.append([neutralise(note)])
        out = io.BytesIO()
        book.save(out)
        return (
            f"{table.key}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            out.getvalue(),
        )
    raise ValueError(f"unknown format {fmt!r}")
