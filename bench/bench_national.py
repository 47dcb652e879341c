"""Dashboards at national scale on PostgreSQL: p95 of the pages of areas, and per-record costs.

    python bench/bench_national.py [--runs 20] [--scale 1.0] [--skip-costs]

Starts a throwaway PostgreSQL server (tests/pgserver.py), migrates, generates the national
snapshot at the aggregate level (bench/national.py: the real 91,599 regions, about 301,000
posyandu, two years of births per posyandu) and requests, as a viewer through the full Django
stack, the "all areas" page, the largest province, the largest regency and the national CSV
export ``runs`` times each. Prints p50 and p95 and each p95's ratio to the province's.
Exits 1 when a p95 misses the 1 s target.

Then (unless ``--skip-costs``) it measures what one record costs on disk: the synthetic
regency (bench/generate_synthetic.py: 6,000 mothers and babies, about 119,000 visits) plus one
knowledge-test response per mother, and prints ``pg_total_relation_size`` (table, indexes
and TOAST) per row of mothers, babies, visits and responses: the inputs of the paper
estimate in docs/deploy.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laktasi.settings")

from tests.pgserver import postgres_server  # noqa: E402

TARGET = 1.0


def _p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def _largest(level: int) -> str:
    from django.db import connection

    length = {1: 2, 2: 5}[level]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT substr(area, 1, %s) AS code, count(*) FROM followups_indicatorsnapshot "
            "GROUP BY code ORDER BY count(*) DESC, code LIMIT 1",
            [length],
        )
        return cursor.fetchone()[0]


def pages(runs: int) -> list[tuple[str, float, float]]:
    """(name, p50, p95) of each page, as a viewer."""
    from django.test import Client

    from laktasi.accounts.models import Role, User

    viewer, _ = User.objects.get_or_create(username="bench-viewer", defaults={"role": Role.VIEWER})
    province, regency = _largest(1), _largest(2)
    urls = [
        ("all areas", "/dasbor/?level=all"),
        (f"province {province}", f"/dasbor/?level=province&unit={province}"),
        (f"regency {regency}", f"/dasbor/?level=regency&unit={regency}"),
        ("CSV export, all areas", "/dasbor/unduh/indicators.csv?level=all"),
    ]
    client = Client()
    client.force_login(viewer)
    out = []
    for name, url in urls:
        times = []
        for i in range(runs + 1):
            t0 = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - t0
            assert response.status_code == 200, (url, response.status_code)
            if i:  # the first is a warm-up
                times.append(elapsed)
        out.append((name, _p(times, 0.5), _p(times, 0.95)))
    return out


def without_rollups(runs: int) -> list[tuple[str, float, float]]:
    """(level, p50 with roll-ups, p50 from the snapshot alone) of the page data
    (``dashboard_get``): the design before the roll-ups, on the same data."""
    import statistics

    from laktasi.accounts.models import User
    from laktasi.dashboards import selectors

    viewer = User.objects.get(username="bench-viewer")
    out = []
    for level, key in (("all", ""), ("province", _largest(1)), ("regency", _largest(2))):
        unit = selectors.unit_get(user=viewer, level=level, key=key)
        timed = []
        for table in (selectors.ROLLUP_LEVEL, {}):
            saved, selectors.ROLLUP_LEVEL = selectors.ROLLUP_LEVEL, table
            try:
                times = []
                for _ in range(runs):
                    t0 = time.perf_counter()
                    selectors.dashboard_get(user=viewer, unit=unit)
                    times.append(time.perf_counter() - t0)
            finally:
                selectors.ROLLUP_LEVEL = saved
            timed.append(statistics.median(times))
        out.append((f"{level} {key}".strip(), *timed))
    return out


def visit_refresh(runs: int) -> tuple[float, float]:
    """p50 and p95 of what recording one visit adds: the posyandu's snapshot refresh with its
    district's, regency's and province's roll-ups, in the largest province."""
    from django.db import transaction

    from laktasi.followups.services import snapshot_refresh
    from laktasi.places.models import Facility

    province = _largest(1)
    ids = list(Facility.objects.filter(kind="posyandu", village__code__startswith=province + ".")
               .order_by("pk").values_list("pk", flat=True)[: runs * 50 : 50])  # fmt: skip
    times = []
    for pk in ids:
        t0 = time.perf_counter()
        with transaction.atomic():
            snapshot_refresh(facility_ids=[pk])
        times.append(time.perf_counter() - t0)
    return _p(times, 0.5), _p(times, 0.95)


def record_costs() -> dict[str, tuple[int, int, float]]:
    """(rows, bytes, bytes per row) of the tables a program writes, on the synthetic regency."""
    from django.db import connection
    from generate_synthetic import generate

    from laktasi.instruments import registry
    from laktasi.instruments.models import Response
    from laktasi.instruments.services import response_record
    from laktasi.mothers.models import Mother
    from laktasi.mothers.services import consent_record

    generate("regency")
    definition = registry.get("knowledge_test")
    answers = dict.fromkeys(definition.item_ids, True)
    for mother in Mother.objects.all()[:2000]:
        consent_record(mother=mother, recorded_by=None, text_version="1")
        response_record(mother=mother, instrument_id="knowledge_test", timepoint="pre",
                        answers=answers, collected_by=None)  # fmt: skip
    tables = {
        "mother": "mothers_mother",
        "baby": "mothers_baby",
        "consent": "mothers_consent",
        "visit": "followups_visit",
        "response": Response._meta.db_table,
    }
    out = {}
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        for name, table in tables.items():
            cursor.execute(f"SELECT count(*), pg_total_relation_size('{table}') FROM {table}")  # noqa: S608
            rows, size = cursor.fetchone()
            out[name] = (rows, size, size / rows if rows else 0.0)
    return out


def run(runs: int, scale: float, costs: bool) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from national import generate

    call_command("migrate", verbosity=0)
    info = generate(scale=scale)
    print(f"national snapshot: {info['villages']:,} villages, {info['puskesmas']:,} puskesmas, "
          f"{info['posyandu']:,} posyandu, {info['snapshot_rows']:,} snapshot rows, "
          f"{info['rollup_rows']:,} roll-up rows; facilities {info['facilities_s']:.0f} s, "
          f"snapshot {info['snapshot_s']:.0f} s, roll-ups {info['rollups_s']:.0f} s, "
          f"vacuum analyze {info['vacuum_s']:.0f} s")  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size('followups_indicatorsnapshot')")
        print(f"snapshot table with indexes: {cursor.fetchone()[0] / 2**20:,.0f} MiB")
    results = pages(runs)
    province_p95 = results[1][2]
    failed = 0
    print(f"\n{'page':28s} {'p50 s':>7s} {'p95 s':>7s} {'p95/province':>13s}  target p95 < 1 s")
    for name, p50, p95 in results:
        failed += p95 >= TARGET
        print(f"{name:28s} {p50:7.3f} {p95:7.3f} {p95 / province_p95:12.2f}x  "
              f"{'ok' if p95 < TARGET else 'SLOW'}")  # fmt: skip
    print("\npage data (dashboard_get), p50: roll-ups vs the snapshot alone (the old design)")
    for name, rolled, plain in without_rollups(max(3, runs // 4)):
        print(f"  {name:16s} roll-ups {rolled:7.3f} s   snapshot alone {plain:7.3f} s   "
              f"{plain / rolled:6.1f}x")  # fmt: skip
    p50, p95 = visit_refresh(runs)
    print(f"\nrecording a visit: posyandu snapshot + 3 roll-up levels, largest province: "
          f"p50 {p50:.3f} s, p95 {p95:.3f} s")  # fmt: skip
    if costs:
        print("\nper-record cost on PostgreSQL (table + indexes + TOAST, synthetic regency):")
        for name, (rows, size, per) in record_costs().items():
            print(f"  {name:9s} {rows:>9,} rows {size / 2**20:9.1f} MiB  {per:7.0f} bytes/row")
    return 1 if failed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--skip-costs", action="store_true")
    args = parser.parse_args()
    with postgres_server() as url:
        os.environ["DATABASE_URL"] = url
        code = run(args.runs, args.scale, not args.skip_costs)
    sys.exit(code)


if __name__ == "__main__":
    main()
