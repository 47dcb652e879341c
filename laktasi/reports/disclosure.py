"""What a report shows to users who see aggregates only (viewers).

Two things are taken out, the rest of the report is unchanged:

- small cells: in every table, counts below ``settings.SMALL_CELL_THRESHOLD`` (default 5)
  read "<5" and the percentages of the same row read "–" (a percentage and its denominator
  would give the count back); zeros stay;
- laktasi identifiers (``LK-…``), listed in the missing-data section for the team that
  follows mothers up: the list becomes a sentence that says they are left out.

The figures of the narrative (paired tests, summary sentences) are not rewritten; they are
computed over the whole program, never over one small cell of a posyandu.
"""

from __future__ import annotations

import re
from dataclasses import replace

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from laktasi.reports.document import BulletList, Cell, Paragraph, Report, Table

IDENTIFIER = re.compile(r"\bLK-[A-Z2-7]{8}\b")
BLANK = "–"


def _small(cell: Cell, limit: int) -> bool:
    value = cell.value
    return (
        cell.number_format == "0"
        and isinstance(value, int)
        and not isinstance(value, bool)
        and 0 < value < limit
    )


def _is_percentage(cell: Cell) -> bool:
    return cell.number_format == "0.0" or cell.text.rstrip().endswith("%")


def _row(row: tuple[Cell, ...], limit: int) -> tuple[Cell, ...]:
    if not any(_small(c, limit) for c in row):
        return row
    out = []
    for cell in row:
        if _small(cell, limit):
            out.append(replace(cell, text=f"<{limit}", value=None))
        elif _is_percentage(cell) and cell.value is not None:
            out.append(replace(cell, text=BLANK, value=None))
        else:
            out.append(cell)
    return tuple(out)


def _table(table: Table, limit: int) -> Table:
    body = tuple(_row(r, limit) for r in table.body)
    foot = tuple(_row(r, limit) for r in table.foot)
    if (body, foot) == (table.body, table.foot):
        return table
    note = _("Counts below %(n)s are shown as <%(n)s and their percentages left out.") % {
        "n": limit
    }
    return replace(table, body=body, foot=foot, notes=(*table.notes, note))


def _without_identifiers(block):
    left_out = _("Identifiers of single mothers are left out for your role.")
    if isinstance(block, Paragraph) and IDENTIFIER.search(block.text):
        return replace(block, text=left_out)
    if isinstance(block, BulletList) and any(IDENTIFIER.search(i) for i in block.items):
        kept = tuple(i for i in block.items if not IDENTIFIER.search(i))
        return replace(block, items=(*kept, left_out))
    return block


def report_for_aggregates_only(report: Report, limit: int | None = None) -> Report:
    """The report as a viewer may see it (see the module's docstring)."""
    limit = int(settings.SMALL_CELL_THRESHOLD) if limit is None else limit
    with translation.override(report.lang):
        sections = tuple(
            replace(
                section,
                blocks=tuple(
                    _table(b, limit) if isinstance(b, Table) else _without_identifiers(b)
                    for b in section.blocks
                ),
            )
            for section in report.sections
        )
    numbers = dict(report.numbers)
    if "missing" in numbers:
        numbers["missing"] = {
            inst: {k: len(v) if isinstance(v, list) else v for k, v in row.items()}
            for inst, row in numbers["missing"].items()
        }
    return replace(report, sections=sections, numbers=numbers)
