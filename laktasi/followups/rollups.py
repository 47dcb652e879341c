"""Roll-ups of the indicator snapshot per district, regency and province.

Each level is summed from the level below it: districts from the snapshot rows of their
facilities, regencies from their districts' rows, provinces from their regencies' rows. A
facility's refresh (a visit recorded) therefore rebuilds three small sets of rows: its
district's (a few thousand snapshot rows), its regency's and its province's (a few thousand
roll-up rows each), never the province's hundreds of thousands of snapshot rows.

Refreshes of facilities in one province are serialised by locking the province's region
row, so two of them cannot both delete and re-insert the same area's rows.
"""

from __future__ import annotations

from django.db import connection

from laktasi.followups.models import IndicatorRollup, IndicatorSnapshot
from laktasi.places.models import Region

# Region code length at each level (province "35", regency "35.23", district "35.23.12").
CODE_LENGTH = {1: 2, 2: 5, 3: 8}
COLUMNS = "metric, status, age_month, duration_days, event, husband_massage, primipara"


def _rebuild(level: int, areas: list[str] | None) -> None:
    """Delete and re-sum the rows of ``areas`` at ``level`` (all areas when None)."""
    rollup, snapshot = IndicatorRollup._meta.db_table, IndicatorSnapshot._meta.db_table
    length = CODE_LENGTH[level]
    if level == 3:
        source, source_filter = snapshot, "area <> ''"
    else:
        source, source_filter = rollup, f"level = {level + 1}"
    params: list = []
    where_delete, where_source = f"level = {level}", source_filter
    delete_params: list = []
    if areas is not None:
        # A prefix match (LIKE 'code.%'), which the varchar_pattern_ops indexes serve; a
        # SUBSTR() comparison would read the whole table for one facility's visit.
        where_delete += f" AND area IN ({', '.join(['%s'] * len(areas))})"
        where_source += " AND (" + " OR ".join(["area LIKE %s"] * len(areas)) + ")"
        delete_params = list(areas)
        params = [area + ".%" for area in areas]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {rollup} WHERE {where_delete}", delete_params)  # noqa: S608
        cursor.execute(
            f"INSERT INTO {rollup} (level, area, as_of, n, {COLUMNS}) "  # noqa: S608
            f"SELECT {level}, SUBSTR(area, 1, {length}), MAX(as_of), SUM(n), {COLUMNS} "
            f"FROM {source} WHERE {where_source} "
            f"GROUP BY SUBSTR(area, 1, {length}), {COLUMNS}",
            params,
        )


def rollups_refresh(*, village_codes: list[str] | None = None) -> None:
    """Rebuild the roll-ups above these villages (all when None). Run inside the snapshot's
    transaction, after its rows were written."""
    if village_codes is None:
        for level in (3, 2, 1):
            _rebuild(level, None)
        return
    codes = sorted({code for code in village_codes if code})
    if not codes:
        return
    provinces = sorted({code[: CODE_LENGTH[1]] for code in codes})
    list(Region.objects.select_for_update().filter(code__in=provinces).order_by("code"))
    for level in (3, 2, 1):
        _rebuild(level, sorted({code[: CODE_LENGTH[level]] for code in codes}))
