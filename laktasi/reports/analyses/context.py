"""Sections about the program itself: description, participants, missing data, methods.

Each builder reads the report's :class:`ReportContext` and returns its :class:`Part`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from laktasi import stats
from laktasi.instruments.models import Source
from laktasi.instruments.rule_text import rule_description
from laktasi.reports.analyses.common import (
    MAX_LISTED,
    POST,
    PRE,
    MissingRow,
    Part,
    ReportContext,
    head,
    long_date,
    n_cell,
    pct_cell,
)
from laktasi.reports.document import (
    BulletList,
    Cell,
    Paragraph,
    Section,
    Table,
)
from laktasi.reports.labels import (
    AGE_GROUPS,
    BABY_AGE_GROUPS,
    age_group,
    baby_age_group,
    choice_label,
    choice_labels,
)

# ------------------------------------------------------------------------ 1. program


def section_program(ctx: ReportContext) -> Part:
    p = ctx.ds.program
    places = "; ".join(
        _("Desa %(village)s, Kecamatan %(district)s, %(regency)s, %(province)s")
        % {
            "village": pl.village,
            "district": pl.district,
            "regency": pl.regency,
            "province": pl.province,
        }
        for pl in p.places
    )
    if p.end_date and p.end_date != p.start_date:
        dates = f"{long_date(p.start_date)} – {long_date(p.end_date)}"
    else:
        dates = long_date(p.start_date)
    companions = sum(m.companion_present for m in ctx.ds.mothers)
    facts = [
        _("Place: %(places)s.") % {"places": places},
        _("Dates: %(dates)s.") % {"dates": dates},
        _("Organiser: %(organiser)s (%(kind)s), with %(facility)s.")
        % {
            "organiser": p.organiser,
            "kind": choice_label("program_kind", p.kind),
            "facility": p.facility,
        },
        _("Reached: %(mothers)s mothers and %(companions)s companions.")
        % {"mothers": len(ctx.ds.mothers), "companions": companions},
    ]
    if p.sessions_chosen:
        facts.append(_("This report covers only the sessions listed below."))
    rows = []
    for no, s in enumerate(p.sessions, start=1):
        agenda = "; ".join(
            f"{choice_label('agenda_kind', a.kind)} ({a.minutes} {_('min')})" for a in s.agenda
        )
        when = formats.date_format(s.starts_at, "j F Y, H.i")
        rows.append(
            (
                n_cell(no),
                Cell(f"{s.title}\n{when}\n{s.venue}" if s.title else f"{when}\n{s.venue}"),
                Cell(s.facilitator),
                Cell(agenda or "–"),
                n_cell(sum(a.minutes for a in s.agenda)),
                n_cell(s.mothers),
                n_cell(s.companions),
            )
        )
    blocks: list = [BulletList(tuple(facts))]
    if rows:
        blocks.append(
            Table(
                "sessions",
                _("Sessions and their agenda"),
                (
                    head(
                        _("No."),
                        _("Session"),
                        _("Facilitator"),
                        _("Agenda"),
                        _("Minutes"),
                        _("Mothers"),
                        _("Companions"),
                    ),
                ),
                tuple(rows),
            )
        )
    numbers = {"n_companions": companions, "n_sessions": len(p.sessions)}
    return Part(Section("program", _("Program"), tuple(blocks)), numbers)


# ------------------------------------------------------------------------ 2. participants


def section_participants(ctx: ReportContext) -> Part:
    mothers = ctx.ds.mothers
    n = len(mothers)
    body: list[tuple[Cell, ...]] = []

    def block(title: str, labelled: list[tuple[str, int]]) -> None:
        labelled = [(lab, c) for lab, c in labelled]
        if n == 0:
            return
        table = stats.frequency_table([c for _l, c in labelled], [lab for lab, _c in labelled])
        for i, row in enumerate(table.rows):
            body.append(
                (
                    Cell(title if i == 0 else "", strong=i == 0),
                    Cell(row.label),
                    n_cell(row.count),
                    pct_cell(row.rounded, ctx.lang),
                )
            )

    def counted(values: list, order: list[tuple[str, str]]) -> list[tuple[str, int]]:
        c = Counter(values)
        out = [(label, c[code]) for code, label in order if c[code]]
        missing = sum(v for k, v in c.items() if k in ("", None))
        if missing:
            out.append((_("not recorded"), missing))
        return out

    ages = [age_group(m.age_years) for m in mothers]
    block(_("Age (years)"), counted(ages, [(k, str(lab)) for k, lab in AGE_GROUPS]))
    parity = ["primipara" if m.parity == 1 else ("multipara" if m.parity else "") for m in mothers]
    block(
        _("Parity"),
        counted(
            parity, [("primipara", _("primipara (first baby)")), ("multipara", _("multipara"))]
        ),
    )
    block(_("Education"), counted([m.education for m in mothers], choice_labels("education")))
    block(_("Occupation"), counted([m.occupation for m in mothers], choice_labels("occupation")))
    block(
        _("Delivery mode"),
        counted([m.delivery_mode for m in mothers], choice_labels("delivery_mode")),
    )
    block(
        _("Baby's age"),
        counted(
            [baby_age_group(m.baby_age_days) for m in mothers],
            [(k, str(lab)) for k, lab in BABY_AGE_GROUPS],
        ),
    )
    block(
        _("Companion who came"),
        counted(
            [m.companion_relationship if m.companion_present else "none" for m in mothers],
            [*choice_labels("relationship"), ("none", _("no companion came"))],
        ),
    )
    ages_known = [m.age_years for m in mothers if m.age_years is not None]
    blocks: list = []
    if ages_known:
        ages_known.sort()
        mid = len(ages_known) // 2
        median = (
            ages_known[mid] if len(ages_known) % 2 else (ages_known[mid - 1] + ages_known[mid]) / 2
        )
        blocks.append(
            Paragraph(
                _(
                    "%(n)s mothers took part; their median age was %(median)s years "
                    "(range %(low)s to %(high)s). Ages and the baby's age are at %(date)s."
                )
                % {
                    "n": n,
                    "median": stats.fmt_num(median, 0 if median == int(median) else 1, ctx.lang),
                    "low": ages_known[0],
                    "high": ages_known[-1],
                    "date": long_date(ctx.ds.reference_date),
                }
            )
        )
    if body:
        blocks.append(
            Table(
                "participants",
                _("Characteristics of the mothers (n = %(n)s)") % {"n": n},
                (head(_("Characteristic"), _("Category"), _("n"), "%"),),
                tuple(body),
                notes=(
                    _(
                        "Percentages of all mothers, rounded half away from zero; a block may "
                        "add up to 99.9 or 100.1 because of rounding."
                    ),
                ),
            )
        )
    return Part(Section("participants", _("Participant characteristics"), tuple(blocks)))


# ------------------------------------------------------------------------ 8. missing data


def section_missing(ctx: ReportContext, missing: Iterable[MissingRow]) -> Part:
    """The complete and incomplete pairs of the instruments the other sections paired."""
    body, blocks = [], []
    listed: list[str] = []
    counts: dict[str, dict] = {}
    for row in missing:
        inst, pre_only, post_only, neither = (
            row.instrument,
            row.pre_only,
            row.post_only,
            row.neither,
        )
        complete = len(ctx.responses(inst.id, PRE).keys() & ctx.responses(inst.id, POST).keys())
        body.append(
            (
                Cell(inst.title),
                n_cell(complete),
                n_cell(len(pre_only)),
                n_cell(len(post_only)),
                n_cell(neither),
            )
        )
        if pre_only:
            shown = ", ".join(pre_only[:MAX_LISTED])
            more = len(pre_only) - MAX_LISTED
            if more > 0:
                shown += " " + ngettext(
                    "and %(n)s more (see the data sheet)",
                    "and %(n)s more (see the data sheet)",
                    more,
                ) % {"n": more}
            listed.append(
                _("%(instrument)s, before but not after: %(ids)s.")
                % {"instrument": inst.title, "ids": shown}
            )
        counts[inst.id] = {
            "complete": complete,
            "pre_only": pre_only,
            "post_only": post_only,
            "neither": neither,
        }
    if body:
        blocks.append(
            Table(
                "missing",
                _("Complete and incomplete pairs per instrument"),
                (
                    head(
                        _("Instrument"),
                        _("Complete pairs"),
                        _("Before only"),
                        _("After only"),
                        _("Neither"),
                    ),
                ),
                tuple(body),
            )
        )
    blocks.append(
        Paragraph(
            _(
                "Mothers are identified by their laktasi identifier, never by name. Paired analyses "
                "use complete pairs only (no imputation); the before and after columns of the "
                "frequency tables use everyone measured at that time."
            )
        )
    )
    if listed:
        blocks.append(BulletList(tuple(listed)))
    else:
        blocks.append(
            Paragraph(_("No mother has a before measurement without an after measurement."))
        )
    return Part(
        Section("missing", _("Missing data"), tuple(blocks)), {"missing": counts} if counts else {}
    )


# ------------------------------------------------------------------------ 9. methods


def _modes(ctx: ReportContext, instrument_id: str) -> str:
    """How the responses were collected, e.g. "filled in by the mother herself 12; web
    form 3" (self-filled and staff-filled answers are pooled in every table)."""
    counts = Counter(r.source for r in ctx.rows(instrument_id) if r.source)
    labels = dict(Source.choices)
    return "; ".join(f"{labels.get(source, source)} {n}" for source, n in sorted(counts.items()))


def section_methods(ctx: ReportContext, methods: Iterable[str]) -> Part:
    """Design, the methods the other sections used (each once), limitations, instruments."""
    n = len(ctx.ds.mothers)
    sessions = len(ctx.ds.program.sessions)
    design = _(
        "Design: one group measured before and after the program (pre-test/post-test), "
        "without a control group; %(n)s mothers in %(s)s session(s). Each mother is compared "
        "with herself, so the tests are paired."
    ) % {"n": n, "s": sessions}
    blocks: list = [
        Paragraph(design),
        BulletList(tuple(dict.fromkeys(methods))),
        Paragraph(
            _(
                "Percentages are rounded half away from zero to one decimal; p-values are two-sided. "
                "All statistics were computed by laktasi.stats, whose functions name the R functions "
                "they reproduce."
            )
        ),
    ]
    limits = [
        _(
            "Without a control group, change cannot be attributed to the program alone: "
            "milk supply and confidence also change with the baby's age, and repeated testing "
            "and being observed can raise scores by themselves."
        ),
        _(
            "Small samples give wide confidence intervals; a non-significant p-value is not "
            "evidence of no effect."
        ),
        _(
            "The post-test follows the session closely; it measures short-term change, not "
            "whether mothers breastfeed exclusively to six months."
        ),
        _(
            "Smoothness is judged from signs reported by mothers and observed by staff, not "
            "from measured milk volume."
        ),
    ]
    blocks.append(Paragraph(_("Limitations"), "heading"))
    blocks.append(BulletList(tuple(limits)))
    body = []
    for inst in ctx.instruments:
        details = next((r.details for r in ctx.rows(inst.id) if r.details.get("rule")), {})
        rule = rule_description(inst.definition, details.get("rule"), details.get("rule_text", ""))
        body.append(
            (
                Cell(inst.title),
                Cell(", ".join(inst.versions)),
                Cell(_("yes") if inst.definition.validated else _("no (laktasi's own)")),
                Cell(rule),
                Cell(_modes(ctx, inst.id)),
            )
        )
    if body:
        blocks.append(
            Table(
                "instruments",
                _("Instruments and versions used"),
                (
                    head(
                        _("Instrument"),
                        _("Version"),
                        _("Validated"),
                        _("Scoring rule"),
                        _("Mode of administration"),
                    ),
                ),
                tuple(body),
            )
        )
    return Part(Section("methods", _("Methods and limitations"), tuple(blocks)))
