"""Small-cell suppression for users who see aggregates only (viewers).

A count of 1–4 mothers in one posyandu is often enough to tell who they are. For viewers every
count below ``settings.SMALL_CELL_THRESHOLD`` (``LAKTASI_SMALL_CELL``, default 5) is shown as
"<5", and the percentages of a row that holds such a count are blanked ("–"), so a small
numerator cannot be computed back from a percentage and its denominator. Zeros stay: they
identify no one. The page, its charts and the downloads all use the suppressed tables.
"""

from __future__ import annotations

from dataclasses import replace

from django.conf import settings
from django.utils.translation import gettext as _

from laktasi.dashboards.indicators import Table

BLANK = "–"


def threshold() -> int:
    return int(getattr(settings, "SMALL_CELL_THRESHOLD", 5))


def _small(value, limit: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < limit


def _is_percentage(value) -> bool:
    return isinstance(value, str) and value.rstrip().endswith("%")


def suppress_row(row: list, limit: int) -> list:
    """The row with small counts marked and, when any was, its percentages blanked."""
    if not any(_small(v, limit) for v in row[1:]):
        return list(row)
    marker = f"<{limit}"
    out = [row[0]]
    for value in row[1:]:
        if _small(value, limit):
            out.append(marker)
        elif _is_percentage(value):
            out.append(BLANK)
        else:
            out.append(value)
    return out


def suppress_table(table: Table, limit: int | None = None) -> Table:
    limit = threshold() if limit is None else limit
    rows = [suppress_row(r, limit) for r in table.rows]
    if rows == [list(r) for r in table.rows]:
        return table
    note = _("Counts below %(n)s are shown as <%(n)s and their percentages left out.") % {
        "n": limit
    }
    return replace(table, rows=rows, notes=[*table.notes, note])


def suppress_tables(tables: dict[str, Table], limit: int | None = None) -> dict[str, Table]:
    return {key: suppress_table(table, limit) for key, table in tables.items()}


def chart_rows(rows: list[tuple]) -> list[tuple]:
    """Chart rows (label, n, N) without the ones whose counts were suppressed."""
    return [r for r in rows if all(isinstance(v, int) for v in r[1:])]
