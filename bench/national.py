"""A national indicator snapshot generated directly at the aggregate level (PostgreSQL only).

    DATABASE_URL=postgres://... python bench/national.py [--scale 1.0]

No mother, baby or visit is generated: the dashboard pages of areas read only
``IndicatorSnapshot`` (counts per facility), so the snapshot is written directly, with the
shape the nightly refresh gives it:

- the real region tree, 38 provinces / 514 regencies / 7,285 districts / 83,762 villages
  (``laktasi load_regions``, the shipped Kemendagri file);
- one puskesmas per district and 3 or 4 posyandu per village (about 301,000 posyandu, the
  national figure is about 300,000);
- per posyandu the rows a refresh writes for two years of births (about 15 births a
  posyandu a year: 4.5 million births a year over 300,000 posyandu): one ``mothers`` row, 4
  ``visits`` rows, 3 ``eibf`` and 3 ``imd`` rows, the ``feeding`` rows of the babies under
  six months (status x completed month, those with a count only) and the ``survival`` rows
  (one per distinct duration/event/husband/primipara of the babies followed);
- then the roll-ups per district, regency and province, as the nightly refresh builds them.

``--scale`` below 1 keeps that fraction of the villages (every n-th), for a quick smoke run.
Deterministic: PostgreSQL's ``setseed`` with parallel query off.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laktasi.settings")

FEEDING = ("exclusive", "predominant", "partial", "mixed_milk", "not_breastfed", "undecided")
# Probability that a (completed month, status) cell of one posyandu holds a baby: babies
# under six months are about 7 a posyandu; exclusive breastfeeding falls with age.
FEEDING_P = {"exclusive": 0.55, "predominant": 0.12, "partial": 0.15, "mixed_milk": 0.2,
             "not_breastfed": 0.04, "undecided": 0.05}  # fmt: skip
SURVIVAL_ROWS = 25  # distinct (duration, event, husband, primipara) per posyandu, 2 years


def _exec(cursor, sql: str, params=None) -> int:
    cursor.execute(sql, params)
    return cursor.rowcount


def facilities(cursor, *, scale: float) -> dict[str, int]:
    """Puskesmas (one per district) and posyandu (3-4 per kept village), by SQL."""
    step = max(1, round(1 / scale)) if scale < 1 else 1
    _exec(cursor, "SELECT setseed(0.22)")
    _exec(cursor, "SET max_parallel_workers_per_gather = 0")
    _exec(
        cursor,
        f"""
        CREATE TEMP TABLE kept AS
        SELECT code, substr(code, 1, 8) AS district FROM (
          SELECT code, row_number() OVER (ORDER BY code) AS i FROM places_region WHERE level = 4
        ) v WHERE (i - 1) % {step} = 0""",
    )  # noqa: S608 (an int)
    puskesmas = _exec(
        cursor,
        """
        INSERT INTO places_facility (created_at, updated_at, kind, name, village_id,
                                     puskesmas_id, address, phone, schedule)
        SELECT now(), now(), 'puskesmas', 'Puskesmas ' || d.name, min(k.code), NULL, '', '', ''
        FROM kept k JOIN places_region d ON d.code = k.district
        GROUP BY d.code, d.name""",
    )
    posyandu = _exec(
        cursor,
        """
        INSERT INTO places_facility (created_at, updated_at, kind, name, village_id,
                                     puskesmas_id, address, phone, schedule)
        SELECT now(), now(), 'posyandu', 'Posyandu ' || g.i, k.code, p.id, '', '', ''
        FROM kept k
        JOIN places_facility p ON p.kind = 'puskesmas' AND substr(p.village_id, 1, 8) = k.district
        -- k.code in the expression: evaluated per village, not once for the query
        CROSS JOIN LATERAL generate_series(1, 3 + (random() + 0 * length(k.code) < 0.6)::int) AS g(i)""",
    )
    return {"puskesmas": puskesmas, "posyandu": posyandu, "villages": _count(cursor, "kept")}


def _count(cursor, table: str) -> int:
    cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (a constant)
    return cursor.fetchone()[0]


def snapshot(cursor, *, as_of) -> int:
    """Every posyandu's snapshot rows, by SQL (INSERT ... SELECT)."""
    posyandu = "SELECT id, village_id FROM places_facility WHERE kind = 'posyandu'"
    insert = """INSERT INTO followups_indicatorsnapshot (facility_id, area, as_of, metric,
                status, age_month, duration_days, event, husband_massage, primipara, n) """
    total = _exec(
        cursor,
        insert
        + f"""
        SELECT f.id, f.village_id, %s, 'mothers', 'mothers', NULL, NULL, NULL, NULL, NULL,
               20 + floor(random() * 21)::int
        FROM ({posyandu}) f""",
        [as_of],
    )  # noqa: S608
    for metric, statuses in (("visits", ("due", "done", "missed", "open")),
                             ("eibf", ("yes", "no", "unknown")), ("imd", ("yes", "no", "unknown"))):  # fmt: skip
        total += _exec(cursor, insert + f"""
            SELECT f.id, f.village_id, %s, %s, s.status, NULL, NULL, NULL, NULL, NULL,
                   1 + floor(random() * 30)::int
            FROM ({posyandu}) f CROSS JOIN unnest(%s::text[]) AS s(status)""",  # noqa: S608
            [as_of, metric, list(statuses)])  # fmt: skip
    cells = [(s, m, p) for s, p in FEEDING_P.items() for m in range(6)]
    total += _exec(cursor, insert + f"""
        SELECT f.id, f.village_id, %s, 'feeding', c.status, c.age, NULL, NULL, NULL, NULL,
               1 + (random() < 0.2)::int
        FROM ({posyandu}) f
        CROSS JOIN unnest(%s::text[], %s::int[], %s::float8[]) AS c(status, age, p)
        WHERE random() < c.p""",  # noqa: S608
        [as_of, [c[0] for c in cells], [c[1] for c in cells], [c[2] for c in cells]])  # fmt: skip
    total += _exec(cursor, insert + f"""
        SELECT f.id, f.village_id, %s, 'survival', '', NULL,
               CASE WHEN g.event THEN 1 + floor(random() * 182)::int ELSE 183 END,
               g.event, random() < 0.3, random() < 0.35, 1 + (random() < 0.1)::int
        FROM ({posyandu}) f
        CROSS JOIN LATERAL (SELECT i, random() < 0.5 AS event
                            FROM generate_series(1, {SURVIVAL_ROWS}) AS i
                            WHERE f.id IS NOT NULL) g""",  # noqa: S608
        [as_of])  # fmt: skip
    return total


def generate(*, scale: float = 1.0) -> dict:
    """Regions, facilities and the snapshot; returns counts and seconds per step."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from laktasi.followups.rollups import rollups_refresh
    from laktasi.places.models import Region

    out: dict = {}
    t0 = time.perf_counter()
    if not Region.objects.exists():
        call_command("load_regions", verbosity=0)
    out["regions_s"] = time.perf_counter() - t0
    with transaction.atomic(), connection.cursor() as cursor:
        t0 = time.perf_counter()
        out.update(facilities(cursor, scale=scale))
        out["facilities_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        out["snapshot_rows"] = snapshot(cursor, as_of=timezone.localdate())
        out["snapshot_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        rollups_refresh()  # what the nightly `dashboards refresh` does after the snapshot
        out["rollups_s"] = time.perf_counter() - t0
        cursor.execute("SELECT count(*) FROM followups_indicatorrollup")
        out["rollup_rows"] = cursor.fetchone()[0]
    with connection.cursor() as cursor:
        t0 = time.perf_counter()
        cursor.execute("VACUUM ANALYZE")
        out["vacuum_s"] = time.perf_counter() - t0
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    print(generate(scale=args.scale))  # noqa: T201


if __name__ == "__main__":
    main()
