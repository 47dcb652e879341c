"""Benchmark the evaluation report: time to render each format for the demo and for 1,000 mothers.

Run with ``python bench/bench_report.py``. It builds a throwaway SQLite database, loads the
demo, times reading the demo program (``program_dataset``), then for the demo (15 mothers)
and for a synthetic program of 1,000 mothers it times building the report model and
rendering every format (chart caches cleared before each format, so every format pays for
its own charts). The synthetic program is made in memory from the demo's mothers and
responses (resampled, with new identifiers), so it times the analyses and exporters, not
data entry. Target on the project's 2-core machine: PDF under 5 s for 1,000 mothers; the
ratio printed is the slowest PDF's CPU time over that target (CPU time, because wall time
on a shared machine measures the neighbours too; both are printed). Exits 1 when missed.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

TARGET_PDF_SECONDS = 5.0
N_SYNTHETIC = 1000


def setup_django(tmp: Path) -> None:
    os.environ["LAKTASI_SQLITE_PATH"] = str(tmp / "bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laktasi.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import django  # noqa: PLC0415 (django must be configured first)

    django.setup()


def synthetic(dataset, n: int, seed: int = 1):
    """A dataset of ``n`` mothers resampled from ``dataset`` (new identifiers)."""
    rng = random.Random(seed)
    by_mother: dict[str, list] = {}
    for r in dataset.responses:
        by_mother.setdefault(r.identifier, []).append(r)
    mothers, responses = [], []
    sources = list(dataset.mothers)
    for i in range(n):
        ident = f"LK-B{i:07d}"
        mother = replace(rng.choice(sources), identifier=ident)
        mothers.append(mother)
        # before and after taken from two different demo mothers: new pairs, same margins
        pre_from, post_from = rng.choice(sources), rng.choice(sources)
        for r in by_mother.get(pre_from.identifier, []):
            if r.timepoint == "pre":
                responses.append(replace(r, identifier=ident))
        for r in by_mother.get(post_from.identifier, []):
            if r.timepoint != "pre":
                responses.append(replace(r, identifier=ident))
    if n > 10:  # a few post-tests missing, as in real programs
        drop = {m.identifier for m in mothers[:: n // 10]}
        responses = [r for r in responses if not (r.timepoint == "post" and r.identifier in drop)]
    return replace(dataset, mothers=tuple(mothers), responses=tuple(responses))


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(Path(tmp))
        from django.core.management import call_command

        from laktasi.demo.loader import PROGRAM_TITLE, demo_load
        from laktasi.programs.models import Program
        from laktasi.reports import charts
        from laktasi.reports.analyses import build_report
        from laktasi.reports.datasets import program_dataset
        from laktasi.reports.exporters import FORMATS, render
        from tests.conftest import make_regions

        call_command("migrate", verbosity=0)
        make_regions()
        demo_load()
        program = Program.objects.get(title=PROGRAM_TITLE)
        started = time.perf_counter()
        demo = program_dataset(program=program)
        print(f"read the demo program from the database: {time.perf_counter() - started:.2f} s")
        big = synthetic(demo, N_SYNTHETIC)
        worst_pdf = 0.0
        print(f"load average before: {os.getloadavg()[0]:.1f} (other processes slow the wall time)")
        print(f"{'program':<22}{'lang':<6}{'step':<8}{'wall s':>9}{'cpu s':>9}{'bytes':>12}")
        for label, dataset in (("demo (15 mothers)", demo), (f"{N_SYNTHETIC} mothers", big)):
            for lang in ("id", "en"):
                started = time.perf_counter()
                report = build_report(dataset, lang=lang)
                print(f"{label:<22}{lang:<6}{'model':<8}{time.perf_counter() - started:>9.2f}")
                for fmt in FORMATS:
                    charts.svg.cache_clear()
                    charts.png.cache_clear()
                    started, cpu = time.perf_counter(), time.process_time()
                    _name, _type, content = render(report, fmt=fmt)
                    seconds = time.perf_counter() - started
                    cpu = time.process_time() - cpu
                    if fmt == "pdf":
                        worst_pdf = max(worst_pdf, cpu)
                    print(
                        f"{label:<22}{lang:<6}{fmt:<8}{seconds:>9.2f}{cpu:>9.2f}{len(content):>12,}"
                    )
        ratio = worst_pdf / TARGET_PDF_SECONDS
        print(f"slowest PDF: {worst_pdf:.2f} s CPU; ratio to the {TARGET_PDF_SECONDS:.0f} s target: "
              f"{ratio:.2f}")  # fmt: skip
        return 0 if worst_pdf < TARGET_PDF_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
