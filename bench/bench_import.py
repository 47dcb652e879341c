"""Import 100,000 knowledge-test responses into SQLite and PostgreSQL.

    python bench/bench_import.py [--rows 100000] [--backend sqlite|postgres|both]

For each database: migrate a fresh one (a temporary SQLite file; a throwaway PostgreSQL
server from tests/pgserver.py), register 1,000 mothers with consent, write a Kobo-style CSV
(1,000 mothers × pre, post and 98 follow-ups) and run the real import path
(``importjob_create`` + ``importjob_commit``: read, validate, match, score, write in one
transaction). Then it empties the table (DELETE + VACUUM on SQLite, TRUNCATE on
PostgreSQL, so the bare insert starts from the same empty table the import found) and
inserts exactly the same prepared rows with a bare ``executemany`` (SQLite) or ``COPY``
(PostgreSQL), and prints rows per second and the ratios: whole import / bare insert (the
target) and the import's write phase / bare insert.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laktasi.settings")

TARGET_RATIO = 3.0
MOTHERS = 1000


def _setup_world():
    from laktasi.core.crypto import keyed_hash  # noqa: F401  (settings must be loaded)
    from laktasi.mothers.models import Consent, Mother
    from laktasi.places.models import Facility, Region

    regions = {}
    for code, name, level, parent in [("35", "Jawa Timur", 1, None), ("35.23", "Tuban", 2, "35"),
                                      ("35.23.12", "Jenu", 3, "35.23"),
                                      ("35.23.12.2005", "Tasikharjo", 4, "35.23.12")]:  # fmt: skip
        regions[code] = Region.objects.create(code=code, name=name, level=level, parent_id=parent)
    village = regions["35.23.12.2005"]
    pusk = Facility.objects.create(kind="puskesmas", name="Jenu", village=village)
    melati = Facility.objects.create(kind="posyandu", name="Melati", village=village,
                                     puskesmas=pusk)  # fmt: skip
    mothers = Mother.objects.bulk_create(
        Mother(
            full_name=f"Ibu {i}",
            birth_date=date(1995, 1, 1),
            village=village,
            facility=melati,
            parity=1,
        )  # fmt: skip
        for i in range(MOTHERS)
    )
    Consent.objects.bulk_create(Consent(mother=m, text_version="1") for m in mothers)
    return [m.identifier for m in Mother.objects.order_by("pk")]


def _write_csv(path: Path, identifiers: list[str], rows: int) -> int:
    from laktasi.instruments import registry

    definition = registry.get("knowledge_test")
    timepoints = [("pre", ""), ("post", "")] + [("followup", str(n)) for n in range(1, 99)]
    rng = random.Random(2025)
    written = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["end", "mother_id", "timepoint", "followup_number",
                    *(f"grp/{i}" for i in definition.item_ids), "meta/instanceID", "_id"])  # fmt: skip
        for tp, fu in timepoints:
            for ident in identifiers:
                if written == rows:
                    return written
                answers = [rng.choice(("true", "false")) for _ in definition.item_ids]
                w.writerow(["2025-01-25T09:00:00.000+07:00", ident, tp, fu, *answers,
                            f"uuid:{uuid.UUID(int=rng.getrandbits(128))}", written])  # fmt: skip
                written += 1
    return written


def _bare_insert(rows: list[list]) -> float:
    """Insert the same prepared rows with executemany (SQLite) or COPY (PostgreSQL)."""
    from django.db import connection, transaction

    from laktasi.instruments.models import Response

    fields = [f for f in Response._meta.concrete_fields if not f.primary_key]
    table = Response._meta.db_table
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
    return time.perf_counter() - t0


def _empty_table(table: str) -> None:
    """Back to the state the import started from: an empty table with no spare pages.

    A DELETE alone would leave the freed pages for the bare insert to reuse, while the
    import had to grow the file (SQLite) or the relation (PostgreSQL).
    """
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {table} CASCADE")  # referencing tables are empty here
        else:
            cursor.execute(f"DELETE FROM {table}")
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def child(rows: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from laktasi.imports.importers.rows import ResponseRows
    from laktasi.imports.services import importjob_commit, importjob_create
    from laktasi.instruments.models import Response

    call_command("migrate", verbosity=0)
    identifiers = _setup_world()
    tmp = Path(tempfile.mkdtemp(prefix="laktasi-bench-import-"))
    path = tmp / "kobo.csv"
    n = _write_csv(path, identifiers, rows)
    if connection.vendor == "sqlite":  # both runs start with an empty write-ahead log
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    marks: dict[str, float] = {}
    t0 = time.perf_counter()
    job = importjob_create(path=path, file_name=path.name, user=None, kind="responses")
    plan_holder = []

    def on_plan(plan):
        marks["planned"] = time.perf_counter()
        plan_holder.append(plan)

    plan = importjob_commit(job=job, on_plan=on_plan)
    total = time.perf_counter() - t0
    write = time.perf_counter() - marks["planned"]
    assert plan.counts["created"] == n == Response.objects.count(), plan.counts
    # The same rows, prepared (outside the timing) exactly as the import prepares them.
    rows = ResponseRows(plan.constants).prepare(plan.creates)
    _empty_table(Response._meta.db_table)
    bare = _bare_insert(rows)
    assert Response.objects.count() == n
    return {"backend": connection.vendor, "rows": n, "import_s": total,
            "plan_s": marks["planned"] - t0, "write_s": write, "bare_s": bare}  # fmt: skip


def run_child(env: dict, rows: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", "--rows", str(rows)], env=env,
                         capture_output=True, text=True)  # fmt: skip
    if out.returncode:
        sys.stderr.write(out.stderr)
        raise SystemExit(f"benchmark child failed ({out.returncode})")
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(r: dict) -> bool:
    ratio = r["import_s"] / r["bare_s"]
    write_ratio = r["write_s"] / r["bare_s"]
    bare_name = "COPY" if r["backend"] == "postgresql" else "executemany"
    print(f"{r['backend']}: {r['rows']:,} rows imported in {r['import_s']:.1f} s "
          f"({r['rows'] / r['import_s']:,.0f} rows/s; read+validate+score {r['plan_s']:.1f} s, "
          f"write {r['write_s']:.1f} s)")  # fmt: skip
    print(f"  bare {bare_name} of the same rows: {r['bare_s']:.2f} s "
          f"({r['rows'] / r['bare_s']:,.0f} rows/s)")  # fmt: skip
    print(f"  ratio whole import / bare = {ratio:.2f}x (target {TARGET_RATIO:.0f}x); "
          f"write phase / bare = {write_ratio:.2f}x")  # fmt: skip
    return ratio <= TARGET_RATIO


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.rows)))
        return 0
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    results = []
    if args.backend in ("sqlite", "both"):
        tmp = Path(tempfile.mkdtemp(prefix="laktasi-bench-sqlite-"))
        env = {**base, "LAKTASI_SQLITE_PATH": str(tmp / "bench.sqlite3"),
               "LAKTASI_VAR_DIR": str(tmp / "var"), "LAKTASI_MEDIA_ROOT": str(tmp / "media")}  # fmt: skip
        results.append(run_child(env, args.rows))
    if args.backend in ("postgres", "both"):
        from tests.pgserver import postgres_server

        with postgres_server() as url:
            tmp = Path(tempfile.mkdtemp(prefix="laktasi-bench-pg-"))
            env = {**base, "DATABASE_URL": url, "LAKTASI_VAR_DIR": str(tmp / "var"),
                   "LAKTASI_MEDIA_ROOT": str(tmp / "media")}  # fmt: skip
            results.append(run_child(env, args.rows))
    ok = all([report(r) for r in results])  # noqa: C419 (print every report)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
