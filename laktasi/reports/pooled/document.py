"""Lay a pooled analysis out as a report (``laktasi.reports.document.Report``), so that the
existing exporters print it: tables, the forest plot, the caveats, in the reader's language."""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from laktasi import stats
from laktasi.reports import charts
from laktasi.reports.analyses.common import head, long_date, n_cell
from laktasi.reports.document import (
    BulletList,
    Cell,
    Figure,
    Paragraph,
    RawData,
    Report,
    Section,
    Table,
    Variable,
)
from laktasi.reports.pooled.analysis import FEW_PAIRS, PooledAnalysis, ProgramEffect
from laktasi.reports.pooled.outcomes import PROPORTION, SCORE
from laktasi.reports.pooled.texts import (
    caveats,
    heterogeneity_words,
    kind_label,
    methods_text,
    moderator_label,
    not_pooled_reason,
)
from laktasi.stats.pooled import back_transform, ilogit


class _Builder:
    def __init__(self, analysis: PooledAnalysis, lang: str):
        self.a = analysis
        self.lang = lang
        self.score = analysis.dataset.outcome.measure == SCORE
        # a pooled proportion is estimated on the logit scale and shown back-transformed in %
        self.proportion = analysis.dataset.outcome.measure == PROPORTION
        # a risk difference is shown in percentage points
        self.scale = 1.0 if self.score or self.proportion else 100.0
        self.decimals = 1

    # -- numbers

    def tf(self, x: float) -> float:
        """An estimate on the scale shown: percent for proportions (metafor transf.ilogit)."""
        return 100.0 * ilogit(x) if self.proportion else x * self.scale

    def num(self, x: float) -> str:
        return stats.fmt_num(self.tf(x), self.decimals, self.lang)

    def coef_text(self, est: float, lo: float, hi: float) -> str:
        """A meta-regression coefficient: a difference, so never back-transformed (logit for
        proportions)."""
        d = 3 if self.proportion else self.decimals
        sep = " s.d. " if self.lang == "id" else " to "
        f = lambda x: stats.fmt_num(x * self.scale, d, self.lang)  # noqa: E731
        return f"{f(est)} ({f(lo)}{sep}{f(hi)})"

    def ci(self, lo: float, hi: float) -> str:
        sep = " s.d. " if self.lang == "id" else " to "
        return f"{self.num(lo)}{sep}{self.num(hi)}"

    def effect_text(self, est: float, lo: float, hi: float) -> str:
        return f"{self.num(est)} ({self.ci(lo, hi)})"

    def unit(self) -> str:
        if self.proportion:
            return "%"
        return _("points") if self.score else _("percentage points")

    def n_text(self, e: ProgramEffect) -> str:
        if self.proportion:
            return f"{e.program.exclusive}/{e.n}"
        return f"n = {e.n}"

    def label(self, e: ProgramEffect) -> str:
        p = e.program
        demo = " [demo]" if p.is_demo else ""
        return f"{p.village} {p.year} (#{p.pk}){demo}"

    # -- sections

    def programs_section(self) -> Section:
        rows = []
        for i, e in enumerate(self.a.effects, start=1):
            rows.append(self.program_row(i, e))
        if self.proportion:
            notes = [
                _("† fewer than %(n)s decided recalls: included, but its own result is "
                  "unreliable.") % {"n": FEW_PAIRS},
                _("Undecided latest recalls (an answer missing) are not in N; their count is "
                  "given in the note."),
                _("A share of 0 or 100% is shown with 1/2 added to x and n − x (metafor's "
                  "continuity correction), so it is pulled towards 50%."),
            ]  # fmt: skip
            title = _("Programs and the share of babies exclusively breastfed at the latest "
                      "recall before six months (%, 95% CI)")  # fmt: skip
            columns = (_("Exclusive / decided recalls"), _("Exclusive % (95% CI)"))
        else:
            notes = [
                _("† fewer than %(n)s pairs: included, but its own result is unreliable.")
                % {"n": FEW_PAIRS}
            ]
            title = _("Programs, their pairs and their before/after change (%(unit)s, 95%% CI)") % {
                "unit": self.unit()
            }
            columns = (_("Pairs"), _("Change (95% CI)"))
        table = Table(
            "programs",
            title,
            (
                head(
                    _("No."),
                    _("Program"),
                    _("Kind"),
                    _("Enrolled"),
                    *columns,
                    _("Weight"),
                    _("Note"),
                ),
            ),  # fmt: skip
            tuple(rows),
            (),
            tuple(notes),
        )
        return Section("programs", _("Programs pooled"), (table, self.forest()))

    def program_row(self, i: int, e: ProgramEffect) -> tuple[Cell, ...]:
        es = e.effect
        if es is None:
            change, weight, note = (
                Cell("–"),
                Cell("–"),
                _("not pooled: %(why)s") % {"why": not_pooled_reason(e.reason)},
            )
        else:
            lo, hi = es.ci_low, es.ci_high
            change = Cell(self.effect_text(es.yi, lo, hi), value=self.tf(es.yi),
                          number_format="0.0", align="right")  # fmt: skip
            weight = Cell(stats.fmt_num(e.weight, 1, self.lang) + " %", value=e.weight,
                          number_format="0.0", align="right")  # fmt: skip
            note = "†" if e.few_pairs else ""
        if self.proportion and e.program.undecided:
            undecided = _("%(n)s undecided") % {"n": e.program.undecided}
            note = f"{note} {undecided}".strip()
        count = Cell(self.n_text(e), value=e.n, align="right") if self.proportion else n_cell(e.n)
        return (
            n_cell(i),
            Cell(self.label(e)),
            Cell(kind_label(e.program.kind)),
            n_cell(e.program.enrolled),
            count,
            change,
            weight,
            Cell(note),
        )

    def forest(self) -> Figure:
        p = self.a.pooled
        rows = tuple(
            charts.ForestRow(
                label=self.label(e),
                n_text=self.n_text(e),
                value=self.tf(e.effect.yi),
                low=self.tf(e.effect.ci_low),
                high=self.tf(e.effect.ci_high),
                weight=e.weight or 0.0,
                effect_text=self.effect_text(e.effect.yi, e.effect.ci_low, e.effect.ci_high),
                flagged=e.few_pairs,
            )
            for e in self.a.included
        )
        spec = charts.ForestSpec(
            rows=rows,
            pooled_label=_("Pooled (%(method)s)") % {"method": self.method_name()},
            pooled=(self.tf(p.estimate), self.tf(p.ci_low), self.tf(p.ci_high)),
            pooled_text=self.effect_text(p.estimate, p.ci_low, p.ci_high),
            prediction_label=_("95% prediction interval"),
            prediction=((self.tf(p.pi_low), self.tf(p.pi_high)) if self.a.method != "FE" else None),
            xlabel=(
                _("Exclusively breastfed at the latest recall before six months (%)")
                if self.proportion
                else _("Change after − before (%(unit)s)") % {"unit": self.unit()}
            ),
            flagged_legend=(
                _("fewer than %(n)s decided recalls")
                if self.proportion
                else _("fewer than %(n)s pairs")
            )
            % {"n": FEW_PAIRS},
            null_value=None if self.proportion else 0.0,
            x_range=(0.0, 100.0) if self.proportion else None,
        )
        if self.proportion:
            caption = _(
                "Forest plot: each program's share exclusively breastfed with its 95% CI, the "
                "pooled share (diamond) and the 95% prediction interval for a new program (bar)"
            )
        else:
            caption = _(
                "Forest plot: each program's change with its 95% CI, the pooled change (diamond) "
                "and the 95% prediction interval for a new program (bar)"
            )
        return Figure("forest", caption, spec)

    def method_name(self) -> str:
        test = " + Knapp–Hartung" if self.a.test == "knha" else ""
        return f"{self.a.method}{test}"

    def proportion_lead(self) -> str:
        p = self.a.pooled
        return _(
            "Across %(k)s programs, %(est)s%% of babies were exclusively breastfed at their "
            "latest recall before six months (95%% CI %(ci)s%%); %(method)s."
        ) % {"k": p.k, "est": self.num(p.estimate), "ci": self.ci(p.ci_low, p.ci_high),
             "method": self.method_name()}  # fmt: skip

    def pooled_section(self) -> Section:
        p = self.a.pooled
        lead = self.proportion_lead() if self.proportion else self.change_lead()
        words = heterogeneity_words(p, self.lang, proportion=self.proportion)
        blocks = [Paragraph(lead, "lead"), Paragraph(words)]
        if self.a.method != "FE":
            blocks.append(Paragraph(self.prediction_words()))
        blocks.append(self.pooled_table())
        return Section("pooled", _("Pooled result"), tuple(blocks))

    def prediction_words(self) -> str:
        p = self.a.pooled
        if self.proportion:
            return _(
                "In a new, similar program the share is expected to lie between %(lo)s%% and "
                "%(hi)s%% (95%% prediction interval)."
            ) % {"lo": self.num(p.pi_low), "hi": self.num(p.pi_high)}  # fmt: skip
        return _(
            "A new, similar program is expected to change the outcome by between "
            "%(lo)s and %(hi)s %(unit)s (95%% prediction interval)."
        ) % {"lo": self.num(p.pi_low), "hi": self.num(p.pi_high), "unit": self.unit()}  # fmt: skip

    def change_lead(self) -> str:
        p = self.a.pooled
        return _(
            "Across %(k)s programs the change was %(est)s %(unit)s (95%% CI %(ci)s), "
            "%(p)s; %(method)s."
        ) % {
            "k": p.k,
            "est": self.num(p.estimate),
            "unit": self.unit(),
            "ci": self.ci(p.ci_low, p.ci_high),
            "p": stats.fmt_p(p.pvalue, self.lang),
            "method": self.method_name(),
        }

    def pooled_table(self) -> Table:
        p = self.a.pooled
        rows = (
            (Cell(_("Pooled share, %") if self.proportion else _("Pooled change")),
             Cell(self.effect_text(p.estimate, p.ci_low, p.ci_high), value=self.tf(p.estimate),
                  align="right")),
            (Cell(_("95% prediction interval")), Cell(self.ci(p.pi_low, p.pi_high), align="right")),
            (Cell("tau² (logit)" if self.proportion else "tau²"), Cell(stats.fmt_num(p.tau2 * self.scale**2, 3, self.lang),
                                value=p.tau2 * self.scale**2, align="right")),
            (Cell("I²"), Cell(stats.fmt_num(p.i2, 1, self.lang) + " %", value=p.i2, align="right")),
            (Cell("Q (df)"), Cell(f"{stats.fmt_num(p.q, 2, self.lang)} ({p.q_df}), "
                                  f"{stats.fmt_p(p.q_pvalue, self.lang)}", value=p.q, align="right")),
            (Cell(_("Programs pooled")), n_cell(p.k)),
            (Cell(_("Decided recalls") if self.proportion else _("Pairs")),
             n_cell(sum(e.n for e in self.a.included))),
        )  # fmt: skip
        return Table("pooled", _("Pooled estimate"), (head(_("Measure"), _("Value")),), rows)

    def caveats_section(self) -> Section:
        return Section("caveats", _("What these numbers cannot show"),
                       (BulletList(tuple(caveats(self.a, self.lang))),))  # fmt: skip

    def regression_section(self) -> Section | None:
        if not self.a.moderator:
            return None
        title = _("Does the change differ by %(what)s?") % {
            "what": moderator_label(self.a.moderator)
        }
        reg = self.a.regression
        if reg is None:
            text = _("The meta-regression is not possible: %(why)s") % {
                "why": self.a.regression_error
            }
            return Section("moderator", title, (Paragraph(text, "note"),))
        rows = tuple(
            (
                Cell(c.name),
                Cell(self.coef_text(c.estimate, c.ci_low, c.ci_high), value=c.estimate * self.scale,
                     align="right"),
                Cell(stats.fmt_num(c.se * self.scale, 2, self.lang), value=c.se * self.scale,
                     align="right"),
                Cell(stats.fmt_p(c.pvalue, self.lang), value=c.pvalue, align="right"),
            )
            for c in reg.coefficients
        )  # fmt: skip
        table = Table("moderator", title, (head(_("Coefficient"), _("Estimate (95% CI)"),
                                                _("SE"), "p"),), rows)  # fmt: skip
        note = _("Reference category: %(ref)s.") % {"ref": reg.levels[0]} if reg.levels else ""
        blocks = [table, Paragraph(reg.describe(self.lang))]
        if self.proportion:
            blocks.append(Paragraph(_("Coefficients are differences in log odds (logit)."), "note"))
        if note:
            blocks.append(Paragraph(note, "note"))
        blocks.append(
            Paragraph(
                _(
                    "With few programs a meta-regression is exploratory: an association "
                    "between programs is not a cause within them."
                ),
                "note",
            )  # fmt: skip
        )
        return Section("moderator", title, tuple(blocks))

    def one_stage_section(self) -> Section | None:
        if not self.score:
            return None
        title = _("One-stage check on the individual pairs")
        one = self.a.one_stage
        if one is None:
            text = _("The mixed model could not be fitted: %(why)s") % {
                "why": self.a.one_stage_error
            }
            return Section("one_stage", title, (Paragraph(text, "note"),))
        p = self.a.pooled
        rows = (
            (Cell(_("Two-stage (%(method)s)") % {"method": self.method_name()}),
             Cell(self.effect_text(p.estimate, p.ci_low, p.ci_high), value=p.estimate,
                  align="right"),
             Cell(stats.fmt_num(p.tau2, 2, self.lang), value=p.tau2, align="right")),
            (Cell(_("One-stage linear mixed model (REML, Wald CI)")),
             Cell(self.effect_text(one.estimate, one.ci_low, one.ci_high), value=one.estimate,
                  align="right"),
             Cell(stats.fmt_num(one.tau2, 2, self.lang), value=one.tau2, align="right")),
        )  # fmt: skip
        table = Table("one_stage", title, (head(_("Model"), _("Change (95% CI)"), "tau²"),), rows)
        return Section("one_stage", title, (table, Paragraph(one.describe(self.lang))))

    def effects_table(self) -> Table:
        """yi, vi and n per program with the pooled rows, in metafor's units (no rounding
        beyond 6 decimals in the text; the spreadsheet keeps the full numbers)."""

        def num(x: float | None, fmt: str = "0.000000") -> Cell:
            if x is None:
                return Cell("–", align="right")
            return Cell(stats.fmt_num(x, 6, self.lang), value=x, number_format=fmt, align="right")

        body = tuple(
            (n_cell(e.program.pk), Cell(self.label(e)), n_cell(e.n),
             num(e.effect.yi if e.effect else None), num(e.effect.vi if e.effect else None),
             num(e.weight, "0.00"))
            for e in self.a.effects
        )  # fmt: skip
        p = self.a.pooled
        foot = (
            (Cell(""), Cell(_("Pooled (%(method)s)") % {"method": self.method_name()}, strong=True),
             n_cell(sum(e.n for e in self.a.included), strong=True), num(p.estimate),
             num(p.se**2), num(100.0, "0.00")),
            (Cell(""), Cell("tau²"), Cell(""), num(p.tau2), Cell(""), Cell("")),
            (Cell(""), Cell(_("95% prediction interval")), Cell(""), num(p.pi_low),
             num(p.pi_high), Cell("")),
        )  # fmt: skip
        return Table(
            "effects",
            _("Data for re-analysis: each program's yi and vi (metafor), with the pooled rows"),
            (head(_("Program"), _("Village and year"), "n", "yi", "vi", _("Weight")),),
            body,
            foot,
            (_("The pooled row's vi is the squared standard error of the pooled estimate."),),
        )

    def data(self) -> RawData:
        variables = (
            Variable("program", _("program number"), "int"),
            Variable("label", _("village and year"), "string"),
            Variable("year", _("year the program started"), "int"),
            Variable("kind", _("program kind"), "string"),
            Variable("facility_kind", _("facility kind"), "string"),
            Variable("demo", _("demo data (1 = yes)"), "int"),
            Variable("ni", _("complete pairs"), "int"),
            Variable("yi", _("change after − before (metafor yi)"), "float"),
            Variable("vi", _("sampling variance of yi (metafor vi)"), "float"),
            Variable("weight", _("weight in the pooled model, percent"), "float"),
            Variable("companion_share", _("share of mothers with a companion"), "float"),
            Variable("session_minutes", _("agenda minutes over all sessions"), "int"),
        )
        rows = tuple(
            (e.program.pk, self.label(e), e.program.year, e.program.kind,
             e.program.facility_kind, int(e.program.is_demo), e.n,
             e.effect.yi if e.effect else None, e.effect.vi if e.effect else None, e.weight,
             e.program.companion_share, e.program.session_minutes)
            for e in self.a.effects
        )  # fmt: skip
        if self.proportion:
            # ni = decided recalls; escalc("PLO", xi = xi, ni = ni) rebuilds yi and vi
            variables += (
                Variable("xi", _("babies exclusively breastfed at the latest recall"), "int"),
                Variable("undecided", _("latest recalls left undecided (not in ni)"), "int"),
            )
            rows = tuple(
                (*row, e.program.exclusive, e.program.undecided)
                for row, e in zip(rows, self.a.effects, strict=True)
            )
        return RawData(variables, rows)

    def build(self) -> Report:
        outcome = self.a.dataset.outcome
        sections = [
            self.programs_section(),
            self.pooled_section(),
            self.caveats_section(),
            self.regression_section(),
            self.one_stage_section(),
            Section(
                "methods", _("Methods"), (Paragraph(methods_text(self.a)), self.effects_table())
            ),
        ]
        today = timezone.localdate()
        return Report(
            lang=self.lang,
            title=_("Evaluation across programs"),
            subtitle=outcome.title(self.lang),
            program_title=outcome.title(self.lang),
            program_pk=0,
            generated_on=today,
            generated_on_text=_("Made on %(date)s") % {"date": long_date(today)},
            sections=tuple(s for s in sections if s is not None),
            data=self.data(),
            labels={
                "page": _("Page"),
                "of": _("of"),
                "deidentified": _("Aggregates only: no names, NIK or telephone numbers."),
                "made_with": _("Made with laktasi"),
                "contents": _("Contents"),
            },
            numbers=numbers(self.a),
        )


def numbers(a: PooledAnalysis) -> dict:
    """The analysis as JSON-safe numbers (the ``json`` format and the tests)."""
    proportion = a.dataset.outcome.measure == PROPORTION
    return {
        "outcome": a.dataset.outcome.spec,
        "method": a.method,
        "test": a.test,
        "pooled": a.pooled.to_dict(),
        "programs": [
            {
                "program": e.program.pk,
                "village": e.program.village,
                "year": e.program.year,
                "demo": e.program.is_demo,
                "ni": e.n,
                "yi": e.effect.yi if e.effect else None,
                "vi": e.effect.vi if e.effect else None,
                "weight": e.weight,
                "few_pairs": e.few_pairs,
                "not_pooled": e.reason or None,  # "few_pairs", "no_variance" or "no_recalls"
                **(
                    {"xi": e.program.exclusive, "undecided": e.program.undecided}
                    if proportion
                    else {}
                ),
            }
            for e in a.effects
        ],
        # predict(..., transf = transf.ilogit): the pooled share as a proportion (0..1)
        "back_transformed": back_transform(a.pooled).to_dict() if proportion else None,
        "moderator": a.moderator,
        "regression": a.regression.to_dict() if a.regression else None,
        "regression_error": a.regression_error or None,
        "one_stage": a.one_stage.to_dict() if a.one_stage else None,
    }


def build_pooled_report(analysis: PooledAnalysis, *, lang: str) -> Report:
    """The pooled evaluation as a report in ``lang`` ("id" or "en")."""
    with translation.override(lang):
        return _Builder(analysis, lang).build()
