"""Excel: one sheet per table, the de-identified data and its codebook (openpyxl).

Numbers are written as numbers with a number format; every text cell goes through
``safe_text`` so that nothing a user typed can run as a formula.
"""

from __future__ import annotations

import io
import re

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from laktasi.reports.document import BulletList, Paragraph, Report, Table
from laktasi.reports.exporters.base import filename, safe_text

BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="E8E8E8")
THIN = Side(style="thin", color="000000")


def _sheet_name(key: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]\*\?/\\:]", "_", key)[:28] or "sheet"
    name, i = base, 2
    while name.lower() in used:
        name, i = f"{base[:25]}_{i}", i + 1
    used.add(name.lower())
    return name


def _write_table(ws, t: Table) -> None:
    ws.append([safe_text(t.caption)])
    ws.cell(row=1, column=1).font = Font(bold=True, size=12)
    row_no = 2
    occupied: set[tuple[int, int]] = set()
    rows = [*t.head, *t.body, *t.foot]
    for r, row in enumerate(rows):
        col = 1
        for spec in row:
            while (row_no, col) in occupied:
                col += 1
            _write_cell(ws.cell(row=row_no, column=col), spec, head=r < len(t.head))
            if spec.colspan > 1 or spec.rowspan > 1:
                _merge(ws, row_no, col, spec, occupied)
            col += spec.colspan
        row_no += 1
    for note in t.notes:
        row_no += 1
        ws.cell(row=row_no, column=1, value=safe_text(note))
    _fit_widths(ws, last_row=1 + len(rows))
    ws.freeze_panes = ws.cell(row=2 + len(t.head), column=1)


def _write_cell(cell, spec, *, head: bool) -> None:
    """A number stays a number (with its format) in the body; text is made spreadsheet-safe."""
    if spec.value is not None and not head:
        cell.value = spec.value
        if spec.number_format:
            cell.number_format = spec.number_format
    else:
        cell.value = safe_text(spec.text) if spec.text else None
    cell.alignment = Alignment(
        horizontal=spec.align if spec.align != "left" else None,
        vertical="top",
        wrap_text=True,
    )
    if head:
        cell.font, cell.fill = BOLD, HEAD_FILL
        cell.border = Border(top=THIN, bottom=THIN)
    elif spec.strong:
        cell.font = BOLD


def _merge(ws, row_no: int, col: int, spec, occupied: set[tuple[int, int]]) -> None:
    ws.merge_cells(
        start_row=row_no,
        start_column=col,
        end_row=row_no + spec.rowspan - 1,
        end_column=col + spec.colspan - 1,
    )
    for dr in range(spec.rowspan):
        for dc in range(spec.colspan):
            occupied.add((row_no + dr, col + dc))


def _fit_widths(ws, *, last_row: int) -> None:
    """Columns as wide as their longest value up to ``last_row`` (notes excluded), at most 60."""
    widths: dict[int, int] = {}
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if cell.value is not None and cell.row <= last_row:
                widths[cell.column] = max(widths.get(cell.column, 6), min(len(str(cell.value)), 60))
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = width + 2


def _summary(ws, report: Report) -> None:
    ws.append([safe_text(report.title)])
    ws.append([safe_text(report.subtitle)])
    ws.append([safe_text(f"{report.generated_on_text} · {report.labels['deidentified']}")])
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"].font = BOLD
    for number, section in enumerate(report.sections, start=1):
        ws.append([])
        ws.append([safe_text(f"{number}. {section.title}")])
        ws.cell(row=ws.max_row, column=1).font = BOLD
        for block in section.blocks:
            if isinstance(block, Paragraph):
                ws.append([safe_text(block.text)])
            elif isinstance(block, BulletList):
                for item in block.items:
                    ws.append([safe_text(f"• {item}")])
            elif isinstance(block, Table):
                ws.append([safe_text(f"→ {block.caption}")])
    ws.column_dimensions["A"].width = 120
    for row in ws.iter_rows():
        row[0].alignment = Alignment(wrap_text=True, vertical="top")


def _data(ws, report: Report) -> None:
    variables = report.data.variables
    ws.append([v.name for v in variables])
    for cell in ws[1]:
        cell.font, cell.fill = BOLD, HEAD_FILL
    for row in report.data.rows:
        ws.append([safe_text(v) if isinstance(v, str) else v for v in row])
    ws.freeze_panes = "B2"
    for i, v in enumerate(variables, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, min(len(v.name) + 2, 34))


def _codebook(ws, report: Report) -> None:
    ws.append([_("variable"), _("label"), _("type"), _("values")])
    for cell in ws[1]:
        cell.font, cell.fill = BOLD, HEAD_FILL
    for v in report.data.variables:
        values = "; ".join(f"{code} = {label}" for code, label in v.value_labels)
        ws.append([safe_text(v.name), safe_text(v.label), v.kind, safe_text(values)])
    for col, width in zip("ABCD", (34, 70, 8, 70), strict=True):
        ws.column_dimensions[col].width = width


def _table_sheet(table: Table, lang: str) -> str:
    """A table's sheet: its key in English (e.g. "knowledge"), else its numbered caption's
    head ("Tabel 3"), so no English code names a sheet of an Indonesian workbook."""
    if lang == "en" or ". " not in table.caption:
        return table.key
    return table.caption.split(". ", 1)[0]


def render(report: Report, *, lang: str) -> tuple[str, str, bytes]:
    wb = Workbook()
    used: set[str] = set()
    summary = wb.active
    summary.title = _sheet_name(_("summary"), used)
    _summary(summary, report)
    for table in report.tables:
        _write_table(wb.create_sheet(_sheet_name(_table_sheet(table, lang), used)), table)
    _data(wb.create_sheet(_sheet_name(_("data"), used)), report)
    _codebook(wb.create_sheet(_sheet_name(_("codebook"), used)), report)
    wb.properties.title = f"{report.title}: {report.subtitle}"[:250]
    wb.properties.creator = "laktasi"
    buf = io.BytesIO()
    wb.save(buf)
    return (
        filename(report, "xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        buf.getvalue(),
    )
