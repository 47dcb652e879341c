"""Reads for reports: a program's report, scoped to the user through the program selectors."""

from __future__ import annotations

from dataclasses import replace

from laktasi.accounts import policy
from laktasi.accounts.models import User
from laktasi.programs.models import Program
from laktasi.programs.selectors import program_get
from laktasi.reports.analyses import build_report
from laktasi.reports.datasets import ProgramDataset, PublishedRow, program_dataset
from laktasi.reports.disclosure import report_for_aggregates_only
from laktasi.reports.document import Report


def report_program(*, user: User, pk: int | str) -> Program:
    """The program whose report the user may read; Http404 when out of scope."""
    return program_get(user=user, pk=pk)


def report_build(
    *,
    program: Program,
    lang: str,
    session_ids: list[int] | None = None,
    include_quotes: bool = False,
    published: dict | None = None,
    user: User | None = None,
) -> Report:
    """Read the program and build its report (``published`` overrides stored percentages),
    from the mothers in ``user``'s scope (``None``: the command line, the whole program)."""
    dataset = program_dataset(
        program=program, session_ids=session_ids, include_quotes=include_quotes, user=user
    )
    if published:
        dataset = with_published(dataset, published)
    report = build_report(dataset, lang=lang, include_quotes=include_quotes)
    if user is not None and not policy.sees_personal_data(user):
        report = report_for_aggregates_only(report)
    return report


def with_published(dataset: ProgramDataset, published: dict) -> ProgramDataset:
    """Replace the dataset's published percentages by ``{instrument: {timepoint: {code: pct}}}``
    (optionally with ``"decimals"`` and ``"citation"`` keys beside the timepoints)."""
    rows = []
    for instrument_id, spec in published.items():
        decimals = int(spec.get("decimals", 1))
        citation = str(spec.get("citation", ""))
        for timepoint, values in spec.items():
            if timepoint in ("decimals", "citation"):
                continue
            rows.append(PublishedRow(instrument_id, timepoint, dict(values), decimals, citation))
    return replace(dataset, published=tuple(rows))
