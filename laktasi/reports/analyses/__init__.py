"""Build the report model from a dataset: every statistic comes from ``laktasi.stats``.

``build_report(dataset, lang=...)`` runs inside ``translation.override(lang)``: headings and
sentences are gettext msgids in English, numbers are formatted by ``laktasi.stats``'s
``fmt_*`` helpers (``13,3 %`` in Indonesian, ``13.3%`` in English). Paired analyses use
complete pairs only; the descriptive tables use everyone measured at each timepoint.

Composition, not inheritance: each section builder is a function that reads one read-only
:class:`ReportContext` and returns a :class:`Part` (its section plus the key numbers, summary
lines, methods and missing-data rows it found); ``build_report`` runs them in order and merges
the parts. Tables and figures are numbered at the end, in reading order.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from laktasi.reports.analyses.common import (
    Part,
    ReportContext,
    captions_numbered,
    long_date,
    numbers_merge,
    report_context,
)
from laktasi.reports.analyses.context import (
    section_methods,
    section_missing,
    section_participants,
    section_program,
)
from laktasi.reports.analyses.outcomes import section_knowledge, section_smoothness
from laktasi.reports.analyses.skills import section_scores_and_interviews, section_skills
from laktasi.reports.datasets import ProgramDataset
from laktasi.reports.document import BulletList, Report, Section
from laktasi.reports.rawdata import raw_data

__all__ = ["ReportContext", "build_report", "report_context"]


def outcome_parts(ctx: ReportContext) -> list[Part]:
    """The sections between the participants and the missing data, one per outcome."""
    parts = [section_knowledge(ctx, inst) for inst in ctx.of_kind("knowledge")]
    parts += [section_smoothness(ctx, inst) for inst in ctx.of_kind("smoothness")]
    if ctx.of_kind("checklist"):
        parts.append(section_skills(ctx))
    if ctx.of_kind("likert") or ctx.of_kind("interview"):
        parts.append(section_scores_and_interviews(ctx))
    return parts


def build_report(dataset: ProgramDataset, *, lang: str, include_quotes: bool = False) -> Report:
    """The report of one program's dataset, written in ``lang`` ("id" or "en")."""
    with translation.override(lang):
        ctx = report_context(dataset, lang=lang, include_quotes=include_quotes)
        parts = [section_program(ctx), section_participants(ctx), *outcome_parts(ctx)]
        parts.append(section_missing(ctx, [row for part in parts for row in part.missing]))
        parts.append(section_methods(ctx, [text for part in parts for text in part.methods]))
        return _report(ctx, parts)


def _report(ctx: ReportContext, parts: list[Part]) -> Report:
    numbers: dict[str, Any] = {"n_mothers": len(ctx.ds.mothers)}
    for part in parts:
        numbers_merge(numbers, part.numbers)
    summary_lines = tuple(line for part in parts for line in part.summary)
    summary = Section(
        "summary",
        _("Summary"),
        (BulletList(summary_lines or (_("No outcome data recorded yet."),)),),
    )
    sections = [part.section for part in parts]
    program = ctx.ds.program
    today = timezone.localdate()
    numbers["reference_date"] = ctx.ds.reference_date.isoformat()
    return Report(
        lang=ctx.lang,
        title=_("Evaluation report"),
        subtitle=program.title,
        program_title=program.title,
        program_pk=program.pk,
        generated_on=today,
        generated_on_text=_("Made on %(date)s") % {"date": long_date(today)},
        sections=captions_numbered((sections[0], summary, *sections[1:])),
        data=raw_data(ctx),
        labels={
            "page": _("Page"),
            "of": _("of"),
            "deidentified": _("De-identified: no names, NIK or telephone numbers."),
            "made_with": _("Made with laktasi"),
            "contents": _("Contents"),
        },
        numbers=numbers,
    )
