"""Build the report model from a dataset: every statistic comes from ``laktasi.stats``.

``build_report(dataset, lang=...)`` runs inside ``translation.override(lang)``: headings and
sentences are gettext msgids in English, numbers are formatted by ``laktasi.stats``'s
``fmt_*`` helpers (``13,3 %`` in Indonesian, ``13.3%`` in English). Paired analyses use
complete pairs only; the descriptive tables use everyone measured at each timepoint.
"""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from laktasi.reports.analyses.common import BuilderBase, long_date
from laktasi.reports.analyses.context import ContextSections
from laktasi.reports.analyses.outcomes import OutcomeSections
from laktasi.reports.analyses.skills import SkillSections
from laktasi.reports.datasets import ProgramDataset
from laktasi.reports.document import BulletList, Report, Section
from laktasi.reports.rawdata import raw_data

__all__ = ["ReportBuilder", "build_report"]


class ReportBuilder(BuilderBase, ContextSections, OutcomeSections, SkillSections):
    """Collects sections and key numbers while walking the dataset once per outcome."""

    def build(self) -> Report:
        sections = [self.section_program(), self.section_participants()]
        for inst in self.of_kind("knowledge"):
            sections.append(self.section_knowledge(inst))
        for inst in self.of_kind("smoothness"):
            sections.append(self.section_smoothness(inst))
        if self.of_kind("checklist"):
            sections.append(self.section_skills())
        if self.of_kind("likert") or self.of_kind("interview"):
            sections.append(self.section_scores_and_interviews())
        sections.append(self.section_missing())
        sections.append(self.section_methods())
        summary = Section(
            "summary",
            _("Summary"),
            (BulletList(tuple(self.summary) or (_("No outcome data recorded yet."),)),),
        )
        program = self.ds.program
        today = timezone.localdate()
        self.numbers["reference_date"] = self.ds.reference_date.isoformat()
        return Report(
            lang=self.lang,
            title=_("Evaluation report"),
            subtitle=program.title,
            program_title=program.title,
            program_pk=program.pk,
            generated_on=today,
            generated_on_text=_("Made on %(date)s") % {"date": long_date(today)},
            sections=(sections[0], summary, *sections[1:]),
            data=raw_data(self),
            labels={
                "page": _("Page"),
                "of": _("of"),
                "deidentified": _("De-identified: no names, NIK or telephone numbers."),
                "made_with": _("Made with laktasi"),
                "contents": _("Contents"),
            },
            numbers=self.numbers,
        )


def build_report(dataset: ProgramDataset, *, lang: str, include_quotes: bool = False) -> Report:
    """The report of one program's dataset, written in ``lang`` ("id" or "en")."""
    with translation.override(lang):
        return ReportBuilder(dataset, lang, include_quotes).build()
