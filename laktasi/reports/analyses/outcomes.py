"""Sections for the pre/post outcomes: knowledge (ordered) and smoothness (yes/no)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.utils.translation import gettext as _

from laktasi import stats
from laktasi.reports import charts
from laktasi.reports.analyses.common import (
    POST,
    PRE,
    Instrument,
    head,
    n_cell,
    pct_cell,
    pct_sign,
    pct_text,
)
from laktasi.reports.document import (
    Cell,
    Figure,
    Paragraph,
    Section,
    Table,
)


class OutcomeSections:
    # ------------------------------------------------------------------------ margins tables

    def margins_table(
        self, inst: Instrument, key: str, caption: str, before_label: str, after_label: str
    ) -> tuple[Table, dict]:
        cats = self.categories(inst)
        pre, post = self.responses(inst.id, PRE), self.responses(inst.id, POST)
        result: dict[str, Any] = {}
        cols = []
        for name, rows in ((PRE, pre), (POST, post)):
            counts = Counter(r.category for r in rows.values() if r.category)
            values = [counts[c] for c, _l in cats]
            table = stats.frequency_table(values, [c for c, _l in cats]) if sum(values) else None
            cols.append((values, table))
            result[name] = {
                "counts": dict(zip([c for c, _l in cats], values, strict=True)),
                "percent": {r.label: r.rounded for r in table.rows} if table else {},
                "n": sum(values),
            }
        body = []
        for i, (_code, label) in enumerate(cats):
            cells = [n_cell(i + 1), Cell(label)]
            for values, table in cols:
                cells.append(n_cell(values[i]))
                cells.append(
                    pct_cell(table.rows[i].rounded, self.lang)
                    if table
                    else Cell("–", align="right")
                )
            body.append(tuple(cells))
        foot_cells = [Cell(""), Cell(_("Total"), strong=True)]
        notes = []
        for values, table in cols:
            foot_cells.append(n_cell(sum(values), strong=True))
            foot_cells.append(pct_cell(100.0, self.lang, strong=True) if table else Cell("–"))
            if table and not table.rounded_sums_to_100:
                notes.append(
                    _(
                        "The rounded percentages of the %(when)s column add up to "
                        "%(sum)s, not 100, because of rounding; the total row shows 100 "
                        "by definition."
                    )
                    % {
                        "when": before_label if values is cols[0][0] else after_label,
                        "sum": pct_text(table.rounded_sum, self.lang),
                    }
                )
        heading = (
            (
                Cell(_("No."), rowspan=2, strong=True),
                Cell(
                    {"knowledge": _("Knowledge"), "smoothness": _("Breastfeeding smoothness")}.get(
                        inst.kind, inst.title
                    ),
                    rowspan=2,
                    strong=True,
                ),
                Cell(before_label, colspan=2, align="center", strong=True),
                Cell(after_label, colspan=2, align="center", strong=True),
            ),
            (
                Cell(_("n"), align="right", strong=True),
                Cell("%", align="right", strong=True),
                Cell(_("n"), align="right", strong=True),
                Cell("%", align="right", strong=True),
            ),
        )
        notes.extend(self.published_notes(inst, cols))
        return Table(key, caption, heading, tuple(body), (tuple(foot_cells),), tuple(notes)), result

    def published_notes(self, inst: Instrument, cols) -> list[str]:
        notes = []
        codes = [c for c, _l in self.categories(inst)]
        labels = [lab for _c, lab in self.categories(inst)]
        for pub in sorted(self.ds.published, key=lambda p: p.timepoint != PRE):
            if pub.instrument_id != inst.id or pub.timepoint not in (PRE, POST):
                continue
            values, table = cols[0] if pub.timepoint == PRE else cols[1]
            if table is None:
                continue
            reported = [pub.values.get(c) for c in codes]
            if all(v is None for v in reported):
                continue
            try:
                check = stats.check_reported_percentages(values, reported, pub.decimals, labels)
            except stats.StatisticsError as exc:
                notes.append(
                    _("The published percentages could not be checked: %(why)s") % {"why": exc}
                )
                continue
            when = _("before") if pub.timepoint == PRE else _("after")
            source = f" ({pub.citation})" if pub.citation else ""
            printed = ", ".join(
                f"{lab} {stats.fmt_num(float(str(v).replace(',', '.')), pub.decimals, self.lang)}{pct_sign(self.lang)}"
                for lab, v in zip(labels, reported, strict=True)
                if v is not None
            )
            text = _("Published percentages, %(when)s%(source)s: %(printed)s. %(check)s") % {
                "when": when,
                "source": source,
                "printed": printed,
                "check": check.describe(self.lang),
            }
            if check.n_impossible:
                text += " " + _(
                    "A printed value that no rounding of its count can give is a "
                    "misprint (or a wrong count)."
                )
            if any(i.from_rounding and not i.correct for i in check.items):
                text += " " + _(
                    "Values one step off the correctly rounded percentage come from "
                    "forcing the column to add up to exactly 100."
                )
            notes.append(text)
            self.numbers.setdefault("published_checks", {})[f"{inst.id}:{pub.timepoint}"] = (
                check.to_dict()
            )
        return notes

    def bars_figure(self, inst: Instrument, result: dict, caption: str) -> Figure:
        cats = self.categories(inst)
        series = []
        for name, label in ((PRE, _("Before")), (POST, _("After"))):
            pcts = result[name]["percent"]
            values = tuple(pcts.get(c, 0.0) for c, _l in cats)
            series.append(
                charts.BarSeries(label, values, tuple(pct_text(v, self.lang) for v in values))
            )
        spec = charts.BarsSpec(
            tuple(lab for _c, lab in cats), tuple(series), _("% of mothers"), 100.0
        )
        return Figure(f"{inst.id}_bars", self.caption_figure(caption), spec)

    def flow_figure(self, inst: Instrument, table_display, caption: str) -> Figure:
        cats = self.categories(inst)
        spec = charts.FlowSpec(
            tuple(lab for _c, lab in cats), table_display, _("Before"), _("After")
        )
        return Figure(f"{inst.id}_flow", self.caption_figure(caption), spec)

    def transition_table(self, inst: Instrument, display, caption: str, key: str) -> Table:
        labels = [lab for _c, lab in self.categories(inst)]
        k = len(labels)
        heading = (
            (
                Cell(_("Before"), rowspan=2, strong=True),
                Cell(_("After"), colspan=k, align="center", strong=True),
                Cell(_("Total"), rowspan=2, align="right", strong=True),
            ),
            tuple(Cell(lab, align="right", strong=True) for lab in labels),
        )
        body = [
            (Cell(labels[i], strong=True), *(n_cell(v) for v in row), n_cell(sum(row)))
            for i, row in enumerate(display)
        ]
        col_totals = [sum(row[j] for row in display) for j in range(k)]
        foot = (
            (
                Cell(_("Total"), strong=True),
                *(n_cell(v) for v in col_totals),
                n_cell(sum(col_totals)),
            ),
        )
        note = _(
            "Rows: category before; columns: category after. Cells on the diagonal did not "
            "change; complete pairs only."
        )
        return Table(key, self.caption_table(caption), heading, tuple(body), foot, (note,))

    # ------------------------------------------------------------------------ 3. knowledge

    def section_knowledge(self, inst: Instrument) -> Section:
        blocks: list = []
        table, margins = self.margins_table(
            inst,
            "knowledge",
            self.caption_table(_("Mothers' knowledge before and after the education session")),
            _("Before education"),
            _("After education"),
        )
        self.numbers["knowledge"] = margins
        blocks.append(table)
        blocks.append(
            self.bars_figure(
                inst, margins, _("Knowledge category before and after (% of mothers measured)")
            )
        )
        names = dict(self.categories(inst))
        levels = list(names.values())[::-1]  # lowest first for the ordinal tests
        before, after, pre_only, post_only, neither = self.pair_lists(
            inst.id, lambda r: names.get(r.category)
        )
        self.missing_rows.append((inst, pre_only, post_only, neither))
        try:
            ordinal = stats.paired_ordinal(before, after, levels)
        except stats.StatisticsError as exc:
            blocks.append(
                Paragraph(_("Paired analysis not possible: %(why)s") % {"why": exc}, "note")
            )
            return Section("knowledge", inst.title, tuple(blocks))
        display = tuple(tuple(row[::-1]) for row in ordinal.table[::-1])
        blocks.append(
            self.transition_table(
                inst,
                display,
                _("Knowledge category of each mother before × after (complete pairs, n = %(n)s)")
                % {"n": ordinal.n_used},
                "knowledge_pairs",
            )
        )
        blocks.append(
            self.flow_figure(inst, display, _("Where each mother's knowledge category went"))
        )
        blocks.append(Paragraph(ordinal.describe(self.lang), "lead"))
        self.numbers["knowledge_paired"] = ordinal.to_dict()
        self.summary.append(_("Knowledge: %(text)s") % {"text": ordinal.describe(self.lang)})
        self.methods.append(
            _(
                "Knowledge categories (ordered) were compared within mothers with the Stuart-Maxwell "
                "test of marginal homogeneity and the Wilcoxon signed-rank test on the category "
                "codes; the before × after table shows who moved where."
            )
        )
        self.knowledge_scores(inst, blocks)
        return Section("knowledge", inst.title, tuple(blocks))

    def knowledge_scores(self, inst: Instrument, blocks: list) -> None:
        before, after, *_rest = self.pair_lists(inst.id, lambda r: r.score_pct)
        try:
            scores = stats.paired_scores(before, after)
        except stats.StatisticsError:
            return
        blocks.append(
            # xgettext:no-python-format
            self.scores_table("knowledge_scores", [(_("Knowledge score (% correct)"), scores)])
        )
        blocks.append(Paragraph(scores.describe(self.lang)))
        self.numbers["knowledge_scores"] = scores.to_dict()
        try:
            gain = stats.normalized_gain(before, after, 100)
            blocks.append(Paragraph(gain.describe(self.lang)))
            self.numbers["knowledge_gain"] = gain.to_dict()
        except stats.StatisticsError:
            pass
        self.methods.append(
            _(
                "Scores (0–100) were compared with the paired t-test when the differences did not "
                "depart from normality (Shapiro-Wilk p ≥ 0.05) and with the Wilcoxon signed-rank test "
                "otherwise; Hake's normalised gain gives the share of the possible improvement."
            )
        )

    def scores_table(self, key: str, rows: list[tuple[str, Any]]) -> Table:
        lang = self.lang
        sd = _("SD")
        body = []
        for label, s in rows:
            ci = stats.fmt_ci(*s.mean_difference_ci, 1, lang) if s.mean_difference_ci else "–"
            test = _("paired t-test") if s.quoted_test == "paired_t" else _("Wilcoxon signed-rank")
            body.append(
                (
                    Cell(label),
                    n_cell(s.n_used),
                    Cell(
                        f"{stats.fmt_num(s.before.mean, 1, lang)} ({sd} {stats.fmt_num(s.before.sd, 1, lang)})",
                        value=round(s.before.mean, 3),
                        align="right",
                    ),
                    Cell(
                        f"{stats.fmt_num(s.after.mean, 1, lang)} ({sd} {stats.fmt_num(s.after.sd, 1, lang)})",
                        value=round(s.after.mean, 3),
                        align="right",
                    ),
                    Cell(
                        f"{stats.fmt_num(s.mean_difference, 1, lang)} ({ci})",
                        value=round(s.mean_difference, 3),
                        align="right",
                    ),
                    Cell(test),
                    Cell(stats.fmt_p(s.p_quoted, lang), value=round(s.p_quoted, 6), align="right"),
                )
            )
        return Table(
            key,
            self.caption_table(_("Mean scores before and after (complete pairs)")),
            (
                head(
                    _("Measure"),
                    _("Pairs"),
                    _("Before, mean (SD)"),
                    _("After, mean (SD)"),
                    _("Difference (95% CI)"),
                    _("Test"),
                    "p",
                ),
            ),
            tuple(body),
        )

    # ------------------------------------------------------------------------ 4. smoothness

    def section_smoothness(self, inst: Instrument) -> Section:
        blocks: list = []
        table, margins = self.margins_table(
            inst,
            "smoothness",
            # "before and after the program", never "after the massage": a one-group pre/post
            # design cannot attribute the change to the massage (content review M14).
            self.caption_table(_("Breastfeeding smoothness before and after the program")),
            _("Before the program"),
            _("After the program"),
        )
        self.numbers["smoothness"] = margins
        blocks.append(table)
        blocks.append(
            self.bars_figure(
                inst,
                margins,
                _("Breastfeeding smoothness before and after (% of mothers measured)"),
            )
        )
        cats = self.categories(inst)
        best = cats[0][0]
        before, after, pre_only, post_only, neither = self.pair_lists(
            inst.id, lambda r: (r.category == best) if r.category else None
        )
        self.missing_rows.append((inst, pre_only, post_only, neither))
        try:
            res = stats.paired_binary(before, after, label=self._yes_label(cats[0][1]))
        except stats.StatisticsError as exc:
            blocks.append(
                Paragraph(_("Paired analysis not possible: %(why)s") % {"why": exc}, "note")
            )
            return Section("smoothness", inst.title, tuple(blocks))
        blocks.append(
            self.transition_table(
                inst,
                res.table,
                _("Smoothness of each mother before × after (complete pairs, n = %(n)s)")
                % {"n": res.n_used},
                "smoothness_pairs",
            )
        )
        blocks.append(
            self.flow_figure(inst, res.table, _("Where each mother's smoothness category went"))
        )
        blocks.append(Paragraph(res.describe(self.lang), "lead"))
        self.numbers["smoothness_paired"] = res.to_dict()
        self.summary.append(
            _("Breastfeeding smoothness: %(text)s") % {"text": res.describe(self.lang)}
        )
        self.methods.append(
            # xgettext:no-python-format
            _(
                "Yes/no outcomes measured twice on the same mothers were compared with McNemar's "
                "test (exact binomial test when fewer than 25 mothers changed, otherwise chi-square "
                "with continuity correction); the difference in proportions has a Newcombe 95% "
                "confidence interval."
            )
        )
        return Section("smoothness", inst.title, tuple(blocks))

    def _yes_label(self, label: str) -> str:
        return _("of mothers whose milk was '%(label)s'") % {"label": label}
