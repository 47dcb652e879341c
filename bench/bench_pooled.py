"""Benchmark the evaluation across programs: 500 programs x 40 mothers pooled, < 1 s.

    python bench/bench_pooled.py [--programs 500] [--mothers 40] [--runs 5] [--db sqlite|postgres|both]

Builds a throwaway database (SQLite file, or PostgreSQL via tests/pgserver.py), inserts
``programs`` programs of ``mothers`` mothers each with knowledge-test pre/post responses
(``bulk_create``: it times the pooling, not data entry), then times, for the outcome
``knowledge_test:score``:

* per-program effects alone: reading every program's pairs (``pooled_dataset``) and
  computing each program's effect (what one would do by running each program's analysis);
* the whole pooled evaluation: the same, plus REML + Knapp-Hartung pooling, a
  meta-regression on the program kind and the one-stage mixed model on all pairs, laid out
  as the report model (no file rendered).

Prints the median over ``runs`` of each (wall and CPU time), the ratio whole / effects alone,
and exits 1 when the whole evaluation takes 1 s or more (wall time; this process's CPU time
when the load average exceeds the number of cores, as on the shared 2-core project machine).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TARGET = 1.0


def _generate(n_programs: int, n_mothers: int) -> list[int]:
    from django.db import transaction

    from laktasi.instruments import registry
    from laktasi.instruments.models import Response
    from laktasi.mothers.models import Mother
    from laktasi.places.models import Facility, FacilityKind, Region
    from laktasi.programs.models import Enrollment, Program, ProgramKind

    rng = random.Random(26)
    version = registry.get("knowledge_test").version
    with transaction.atomic():
        for code, name, level, parent in (
            ("35", "Jawa Timur", 1, None),
            ("35.23", "Tuban", 2, "35"),
            ("35.23.12", "Jenu", 3, "35.23"),
            ("35.23.12.2005", "Tasikharjo", 4, "35.23.12"),
        ):
            Region.objects.get_or_create(code=code, defaults={"name": name, "level": level,
                                                              "parent_id": parent})  # fmt: skip
        village = Region.objects.get(code="35.23.12.2005")
        facility = Facility.objects.create(kind=FacilityKind.POSYANDU, name="Bench",
                                           village=village)  # fmt: skip
        kinds = list(ProgramKind.values)
        programs = Program.objects.bulk_create(
            Program(title=f"Bench {i}", organiser="bench", kind=kinds[i % 3], facility=facility,
                    start_date=date(2020 + i % 6, 1 + i % 12, 1))
            for i in range(n_programs)
        )  # fmt: skip
        mothers = Mother.objects.bulk_create(
            (Mother(full_name=f"Ibu {i}", birth_date=date(1995, 1, 1), village=village,
                    facility=facility, parity=1) for i in range(n_programs * n_mothers)),
            batch_size=5000,
        )  # fmt: skip
        Enrollment.objects.bulk_create(
            (Enrollment(program=programs[i // n_mothers], mother=m) for i, m in enumerate(mothers)),
            batch_size=5000,
        )  # fmt: skip
        responses = []
        for i, m in enumerate(mothers):
            program = programs[i // n_mothers]
            gain = 10 + (program.pk % 7) * 3
            pre = rng.randint(20, 70)
            post = min(100, max(0, pre + gain + rng.randint(-15, 15)))
            for timepoint, score in (("pre", pre), ("post", post)):
                if timepoint == "post" and i % 17 == 0:
                    continue  # a few post-tests missing, as in real programs
                responses.append(Response(
                    mother=m, program=program, instrument_id="knowledge_test",
                    instrument_version=version, timepoint=timepoint, score_pct=score,
                    category="baik" if score >= 76 else "cukup" if score >= 56 else "kurang",
                    complete=True, source="web", answers={},
                ))  # fmt: skip
        Response.objects.bulk_create(responses, batch_size=5000)
    return [p.pk for p in programs]


def _median_time(fn, runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time of this process (the database server's CPU,
    for PostgreSQL, is in the wall time only)."""
    fn()  # warm-up
    wall, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu)


def bench(label: str, n_programs: int, n_mothers: int, runs: int) -> bool:
    import django

    django.setup()
    from django.core.management import call_command

    from laktasi.programs.models import Program
    from laktasi.reports.pooled.analysis import _effect, pooled_analyse
    from laktasi.reports.pooled.datasets import pooled_dataset
    from laktasi.reports.pooled.document import build_pooled_report
    from laktasi.reports.pooled.outcomes import outcome_parse

    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    pks = _generate(n_programs, n_mothers)
    print(f"[{label}] generated {n_programs} programs x {n_mothers} mothers in "
          f"{time.perf_counter() - t0:.1f} s")  # fmt: skip
    outcome = outcome_parse("knowledge_test:score")
    programs = Program.objects.filter(pk__in=pks)

    def effects_alone():
        ds = pooled_dataset(programs=programs, outcome=outcome)
        return [_effect(p, outcome.measure) for p in ds.programs]

    def whole():
        ds = pooled_dataset(programs=programs, outcome=outcome)
        analysis = pooled_analyse(ds, method="REML", test="knha", moderator="program_kind")
        build_pooled_report(analysis, lang="id")
        return analysis

    analysis = whole()
    alone, alone_cpu = _median_time(effects_alone, runs)
    total, total_cpu = _median_time(whole, runs)
    load = os.getloadavg()[0]
    print(f"[{label}] per-program effects alone: {alone:.3f} s wall, {alone_cpu:.3f} s CPU")
    print(f"[{label}] whole pooled evaluation (k = {analysis.pooled.k}, "
          f"{sum(e.n for e in analysis.included):,} pairs; REML + KnHa, meta-regression, "
          f"one-stage model, report model): {total:.3f} s wall, {total_cpu:.3f} s CPU "
          f"(target < {TARGET:.0f} s) — ratio {total / alone:.2f}x the effects alone "
          f"(load average {load:.1f} on {os.cpu_count()} cores)")  # fmt: skip
    # on a shared machine the wall time measures the neighbours too: the target is checked
    # on the wall time when the machine is not overloaded, else on this process's CPU time
    measured = total if load <= (os.cpu_count() or 1) else total_cpu
    return measured < TARGET


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--programs", type=int, default=500)
    parser.add_argument("--mothers", type=int, default=40)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laktasi.settings")
    if args.db == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["LAKTASI_VAR_DIR"] = tmp
            os.environ["LAKTASI_SQLITE_PATH"] = str(Path(tmp) / "bench.sqlite3")
            os.environ.pop("DATABASE_URL", None)
            ok = bench("SQLite", args.programs, args.mothers, args.runs)
        return 0 if ok else 1
    if args.db == "postgres":
        from tests.pgserver import postgres_server

        with tempfile.TemporaryDirectory() as tmp, postgres_server() as url:
            os.environ["LAKTASI_VAR_DIR"] = tmp
            os.environ["DATABASE_URL"] = url
            ok = bench("PostgreSQL", args.programs, args.mothers, args.runs)
        return 0 if ok else 1
    # both: one process per database (Django's settings are read once per process)
    import subprocess

    codes = [
        subprocess.call(
            [
                sys.executable,
                __file__,
                "--db",
                db,
                "--programs",
                str(args.programs),
                "--mothers",
                str(args.mothers),
                "--runs",
                str(args.runs),
            ]
        )  # fmt: skip
        for db in ("sqlite", "postgres")
    ]
    return max(codes)


if __name__ == "__main__":
    sys.exit(main())
