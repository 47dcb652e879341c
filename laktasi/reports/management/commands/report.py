"""``laktasi report PROGRAM --format pdf --lang id -o FILE``: a program's evaluation report."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from laktasi.programs.models import Program
from laktasi.reports.exporters import FORMATS
from laktasi.reports.exporters import render as export
from laktasi.reports.selectors import report_build


def find_program(value: str) -> Program:
    """A program by primary key or by its exact title."""
    if value.isdigit():
        program = Program.objects.filter(pk=int(value)).first()
        if program:
            return program
    matches = list(Program.objects.filter(title=value)[:2])
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise CommandError(f"several programs are titled {value!r}: give the number (pk) instead")
    raise CommandError(f"no program with number or exact title {value!r}")


class Command(BaseCommand):
    help = "Write a program's evaluation report (PDF, Word, Excel, HTML, SPSS or CSV)."

    def add_arguments(self, parser):
        parser.add_argument("program", help="program number (pk) or exact title")
        parser.add_argument("--format", "-f", choices=FORMATS, default="pdf")
        parser.add_argument("--lang", "-l", choices=["id", "en"], default="id")
        parser.add_argument(
            "-o",
            "--output",
            help="file to write ('-' for standard output); "
            "default: the report's own file name in the current folder",
        )
        parser.add_argument("--sessions", help="only these session numbers, e.g. 3,4")
        parser.add_argument(
            "--quotes", action="store_true", help="include a few anonymised interview quotes"
        )
        parser.add_argument(
            "--published",
            help='JSON file of published percentages to check, e.g. {"knowledge_test": '
            '{"pre": {"baik": "13,5", "cukup": "33,3", "kurang": "53,4"}}}',
        )

    def handle(self, *args, **options):
        program = find_program(options["program"].strip())
        sessions = None
        if options["sessions"]:
            try:
                sessions = [int(x) for x in options["sessions"].split(",") if x.strip()]
            except ValueError as exc:
                raise CommandError("--sessions takes numbers separated by commas") from exc
        published = None
        if options["published"]:
            try:
                published = json.loads(Path(options["published"]).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"cannot read --published: {exc}") from exc
        started = time.perf_counter()
        report = report_build(
            program=program,
            lang=options["lang"],
            session_ids=sessions,
            include_quotes=options["quotes"],
            published=published,
        )
        name, _content_type, content = export(report, fmt=options["format"])
        target = options["output"] or name
        if target == "-":
            sys.stdout.buffer.write(content)
            return
        Path(target).write_bytes(content)
        self.stderr.write(
            f"{target}: {len(content):,} bytes in {time.perf_counter() - started:.1f} s"
        )
