"""``laktasi pooled``: the evaluation across programs (pooled, as metafor) in one file.

Run on the server by its operator, it sees every program, as ``laktasi report`` does.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from laktasi.programs.models import Program
from laktasi.reports.management.commands.report import find_program
from laktasi.reports.pooled.analysis import MODERATORS, PoolingRefused
from laktasi.reports.pooled.export import FORMATS, pooled_render
from laktasi.reports.pooled.outcomes import OutcomeError
from laktasi.reports.pooled.texts import refusal_message
from laktasi.reports.selectors import pooled_build, pooled_program_filter
from laktasi.stats.pooled import METHODS, TESTS


def _date(value: str | None, option: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{option} takes a date as YYYY-MM-DD, not {value!r}") from exc


class Command(BaseCommand):
    help = (
        "Pool the before/after change of many programs (random effects as R's metafor) and "
        "write it as JSON, CSV (for metafor), Excel, PDF, Word or HTML."
    )

    def add_arguments(self, parser):
        parser.add_argument("--programs", help="program numbers or exact titles, comma-separated")
        parser.add_argument("--region", default="", help="Kemendagri code, e.g. 35.23.12")
        parser.add_argument("--from", dest="date_from", help="programs starting on or after")
        parser.add_argument("--to", dest="date_to", help="programs starting on or before")
        parser.add_argument("--kind", default="", help="program kind, e.g. community_service")
        parser.add_argument(
            "--outcome", required=True,
            help="INSTRUMENT[@VERSION][:score|:category|:item:ITEM], e.g. knowledge_test:score, "
            "milk_smoothness:category (ASI lancar), marmet_checklist:item:ITEM, or ebf_visit "
            "(exclusive breastfeeding at each baby's latest recall before six months)",
        )  # fmt: skip
        parser.add_argument("--method", choices=METHODS, default="REML")
        parser.add_argument("--test", choices=TESTS, default="knha")
        parser.add_argument("--moderator", choices=MODERATORS, help="meta-regression on this")
        parser.add_argument("--format", "-f", choices=FORMATS, default="json")
        parser.add_argument("--lang", "-l", choices=["id", "en"], default="id")
        parser.add_argument("-o", "--output", help="file to write ('-' for standard output)")

    def _programs(self, options):
        pks = None
        if options["programs"]:
            names = [x.strip() for x in options["programs"].split(",") if x.strip()]
            pks = [find_program(name).pk for name in names]
        elif not (options["region"] or options["date_from"] or options["date_to"]):
            raise CommandError("choose programs with --programs, or --region and/or --from/--to")
        return pooled_program_filter(
            Program.objects.all(),
            pks=pks,
            region=options["region"].strip(),
            kind=options["kind"],
            date_from=_date(options["date_from"], "--from"),
            date_to=_date(options["date_to"], "--to"),
        )

    def handle(self, *args, **options):
        started = time.perf_counter()
        programs = self._programs(options)
        with translation.override(options["lang"]):
            try:
                analysis, report = pooled_build(
                    programs=programs,
                    outcome=options["outcome"],
                    method=options["method"],
                    test=options["test"],
                    moderator=options["moderator"],
                    lang=options["lang"],
                )
            except OutcomeError as exc:
                raise CommandError(str(exc)) from exc
            except PoolingRefused as exc:
                raise CommandError(refusal_message(exc)) from exc
        name, _type, content = pooled_render(report, fmt=options["format"])
        target = options["output"] or name
        if target == "-":
            sys.stdout.buffer.write(content)
            return
        Path(target).write_bytes(content)
        self.stderr.write(
            f"{target}: {analysis.pooled.k} programs pooled, {len(content):,} bytes in "
            f"{time.perf_counter() - started:.1f} s"
        )
