"""``laktasi reanalyze``: re-analyse a published before/after table given only its counts.

A thin wrapper: the work is done by :func:`laktasi.stats.reanalysis.reanalyze`.

Examples::

    laktasi reanalyze --labels Kurang,Cukup,Baik --before 8,5,2 --after 1,4,10 \\
        --reported-before 53.4,33.3,13.5 --reported-after 6.6,26.7,66.7
    laktasi reanalyze --n 15 --before-yes 6 --after-yes 13 --lang en
    laktasi reanalyze --n 15 --before-yes 6 --after-yes 13 --json
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from laktasi.stats import StatisticsError
from laktasi.stats.reanalysis import reanalyze


def _split(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [part.strip() for part in text.split(",")]


def _counts(text: str | None, name: str) -> list[int] | None:
    parts = _split(text)
    if parts is None:
        return None
    try:
        return [int(p) for p in parts]
    except ValueError as exc:
        raise CommandError(f"{name} must be whole numbers separated by commas: {text!r}") from exc


def _percentages(text: str | None) -> list[str] | None:
    """``13.5,33.3,53.4`` or, with decimal commas, ``13,5;33,3;53,4``."""
    if text is None:
        return None
    if ";" in text:
        return [p.strip().replace(",", ".") for p in text.split(";")]
    return _split(text)


class Command(BaseCommand):
    help = (
        "Re-analyse a before/after table published with counts only: correct percentages, "
        "check printed percentages, and bound every paired test over all consistent tables."
    )

    def add_arguments(self, parser):
        parser.add_argument("--labels", help="Categories, lowest first: Kurang,Cukup,Baik")
        parser.add_argument("--before", help="Counts before, in label order: 8,5,2")
        parser.add_argument("--after", help="Counts after, in label order: 1,4,10")
        parser.add_argument("--n", type=int, help="Yes/no table: number of people")
        parser.add_argument("--before-yes", type=int, help="Yes/no table: yes before")
        parser.add_argument("--after-yes", type=int, help="Yes/no table: yes after")
        parser.add_argument(
            "--reported-before",
            help="Percentages as printed, in label order: 53.4,33.3,13.5 (or 53,4;33,3;13,5)",
        )
        parser.add_argument("--reported-after", help="Percentages as printed after")
        parser.add_argument("--decimals", type=int, default=1, help="Decimals printed (1)")
        parser.add_argument("--lang", choices=["id", "en"], default="id")
        parser.add_argument("--json", action="store_true", help="Print the result as JSON")

    def handle(self, *args, **options):
        try:
            result = reanalyze(
                labels=_split(options["labels"]),
                before=_counts(options["before"], "--before"),
                after=_counts(options["after"], "--after"),
                n=options["n"],
                before_yes=options["before_yes"],
                after_yes=options["after_yes"],
                reported_before=_percentages(options["reported_before"]),
                reported_after=_percentages(options["reported_after"]),
                decimals=options["decimals"],
            )
        except StatisticsError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(result.report(options["lang"]))
