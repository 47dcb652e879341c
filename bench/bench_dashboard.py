"""Dashboard and task-list timings on PostgreSQL at village, regency or province size.

    python bench/bench_dashboard.py [--size province] [--runs 15]

Starts a throwaway PostgreSQL server (tests/pgserver.py), migrates, generates synthetic data
(bench/generate_synthetic.py), rebuilds the indicator snapshot (``laktasi dashboards
refresh``), then requests each page through Django's test client (full view + template)
and prints p50 and p95 per page against the 1 s target. It also times the snapshot read
behind a page against the plain GROUP BY over the visits that it replaces, and prints their
ratio. Exits 1 when a page's p95 misses the target.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laktasi.settings")

from tests.pgserver import postgres_server  # noqa: E402

TARGET = 1.0


def _times(fn, runs: int) -> list[float]:
    fn()  # warm-up (connection, caches)
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def _p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def run(size: str, runs: int) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone
    from generate_synthetic import PROVINCE, generate

    from laktasi.accounts.models import User
    from laktasi.dashboards.selectors import dashboard_get, unit_get
    from laktasi.followups import aggregates
    from laktasi.followups.models import Visit
    from laktasi.followups.services import snapshot_refresh
    from laktasi.places.models import Facility

    call_command("migrate", verbosity=0)
    info = generate(size)
    print(f"size {size}: {info['mothers']:,} mothers, {info['visits']:,} visits, "
          f"{info['posyandu']:,} posyandu; generated in {info['seconds']:.0f} s")  # fmt: skip
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    t0 = time.perf_counter()
    rows = snapshot_refresh()
    print(f"snapshot refresh (laktasi dashboards refresh): {time.perf_counter() - t0:.1f} s, "
          f"rows {rows}")  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    assert Visit.objects.count() == info["visits"]

    viewer = User.objects.get(pk=info["viewer"])
    kader = User.objects.get(pk=info["kader"])
    bidan = User.objects.get(pk=info["bidan"])
    village = info["village_code"]
    regency, district = village[:5], village[:8]
    pages = [
        ("dashboard: all areas (viewer)", viewer, "/dasbor/?level=all"),
        ("dashboard: province", viewer, f"/dasbor/?level=province&unit={PROVINCE}"),
        ("dashboard: regency", viewer, f"/dasbor/?level=regency&unit={regency}"),
        ("dashboard: district", viewer, f"/dasbor/?level=district&unit={district}"),
        ("dashboard: village", viewer, f"/dasbor/?level=village&unit={village}"),
        ("dashboard: puskesmas", viewer, f"/dasbor/?level=puskesmas&unit={info['puskesmas_pk']}"),
        ("dashboard: posyandu", viewer, f"/dasbor/?level=posyandu&unit={info['posyandu_pk']}"),
        ("dashboard: kader's own (default)", kader, "/dasbor/"),
        ("dashboard: bidan, province level", bidan, f"/dasbor/?level=province&unit={PROVINCE}"),
        ("task list: kader", kader, "/kunjungan/tugas/"),
        ("task list: bidan (puskesmas)", bidan, "/kunjungan/tugas/"),
        ("CSV download: province indicators", viewer,
         f"/dasbor/unduh/indicators.csv?level=province&unit={PROVINCE}"),
    ]  # fmt: skip
    failed = 0
    print(f"\n{'page':44s} {'p50 s':>7s} {'p95 s':>7s}  target < {TARGET:.0f} s (p95)")
    for name, user, url in pages:
        client = Client()
        client.force_login(user)

        def get(client=client, url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        times = _times(get, runs)
        p50, p95 = _p(times, 0.5), _p(times, 0.95)
        ok = p95 < TARGET
        failed += not ok
        print(f"{name:44s} {p50:7.3f} {p95:7.3f}  {'ok' if ok else 'SLOW'}")

    print("\nsnapshot read vs plain GROUP BY over visits (same numbers, p50 of runs):")
    today = timezone.localdate()
    for level, key in (("province", PROVINCE), ("regency", regency), ("district", district)):
        unit = unit_get(user=viewer, level=level, key=key)
        ids = list(
            Facility.objects.filter(village__code__startswith=key).values_list("pk", flat=True)
        )
        where, params = aggregates.mother_filter(facility_ids=ids)
        plain = _times(lambda w=where, p=params: aggregates.all_rows(
            where=w, params=p, today=today), max(3, runs // 3))  # fmt: skip
        snap = _times(lambda u=unit: dashboard_get(user=viewer, unit=u), runs)
        ratio = statistics.median(plain) / statistics.median(snap)
        print(f"  {level:10s} plain {statistics.median(plain):7.3f} s   snapshot page data "
              f"{statistics.median(snap):7.3f} s   ratio plain/snapshot {ratio:6.1f}x")  # fmt: skip
    return 1 if failed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=["village", "regency", "province"], default="province")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with postgres_server() as url:
        os.environ["DATABASE_URL"] = url
        code = run(args.size, args.runs)
    sys.exit(code)


if __name__ == "__main__":
    main()
