"""CSV and XLSX downloads of a dashboard table, safe against formula injection.

A text cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab/carriage return) gets a
leading single quote, so a spreadsheet shows it as text instead of running it. Both formats
are the ``dashboard_table`` kind of download of ``laktasi.core.exporting``.
"""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from laktasi.core.exporting import Rendered, export, exporter_register
from laktasi.core.spreadsheet import neutralise
from laktasi.dashboards.indicators import Table

KIND = "dashboard_table"


def _rows(table: Table) -> list[list]:
    return [[neutralise(c) for c in table.columns]] + [
        [neutralise(c) for c in row] for row in table.rows
    ]


@exporter_register(KIND, "csv")
def render_csv(table: Table, *, lang: str | None) -> Rendered:
    """The table as CSV (UTF-8 with a byte-order mark, for Excel), notes below it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(_rows(table))
    for note in table.notes:
        writer.writerow([neutralise(note)])
    return f"{table.key}.csv", "text/csv; charset=utf-8", buffer.getvalue().encode("utf-8-sig")


@exporter_register(KIND, "xlsx")
def render_xlsx(table: Table, *, lang: str | None) -> Rendered:
    """The table as one XLSX sheet named after it, notes below it."""
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


def render(table: Table, fmt: str) -> Rendered:
    """(filename, content type, bytes) of ``table`` as ``fmt`` (csv or xlsx)."""
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"unknown format {fmt!r}")
    return export(KIND, table, fmt=fmt)
