"""Sections for the pre/post outcomes: knowledge (ordered) and smoothness (yes/no).

Each builder reads the report's :class:`ReportContext` and returns its :class:`Part`."""

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
    MissingRow,
    Part,
    ReportContext,
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

# ------------------------------------------------------------------------ margins tables


def margins_table(
    ctx: ReportContext,
    inst: Instrument,
    key: str,
    caption: str,
    before_label: str,
    after_label: str,
) -> tuple[Table, dict, dict]:
    """The before and after frequencies of ``inst``'s categories; their key numbers; and the
    checks of published percentages, by "instrument:timepoint"."""
    cats = ctx.categories(inst)
    pre, post = ctx.responses(inst.id, PRE), ctx.responses(inst.id, POST)
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
                pct_cell(table.rows[i].rounded, ctx.lang) if table else Cell("–", align="right")
            )
        body.append(tuple(cells))
    foot_cells = [Cell(""), Cell(_("Total"), strong=True)]
    notes = []
    for values, table in cols:
        foot_cells.append(n_cell(sum(values), strong=True))
        foot_cells.append(pct_cell(100.0, ctx.lang, strong=True) if table else Cell("–"))
        if table and not table.rounded_sums_to_100:
            notes.append(
                _(
                    "The rounded percentages of the %(when)s column add up to "
                    "%(sum)s, not 100, because of rounding; the total row shows 100 "
                    "by definition."
                )
                % {
                    "when": before_label if values is cols[0][0] else after_label,
                    "sum": pct_text(table.rounded_sum, ctx.lang),
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
    published, checks = published_notes(ctx, inst, cols)
    notes.extend(published)
    table = Table(key, caption, heading, tuple(body), (tuple(foot_cells),), tuple(notes))
    return table, result, checks


def published_notes(ctx: ReportContext, inst: Instrument, cols) -> tuple[list[str], dict]:
    """Notes checking the percentages a publication printed for ``inst``, and the checks."""
    notes = []
    checks: dict[str, Any] = {}
    codes = [c for c, _l in ctx.categories(inst)]
    labels = [lab for _c, lab in ctx.categories(inst)]
    for pub in sorted(ctx.ds.published, key=lambda p: p.timepoint != PRE):
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
            f"{lab} {stats.fmt_num(float(str(v).replace(',', '.')), pub.decimals, ctx.lang)}{pct_sign(ctx.lang)}"
            for lab, v in zip(labels, reported, strict=True)
            if v is not None
        )
        text = _("Published percentages, %(when)s%(source)s: %(printed)s. %(check)s") % {
            "when": when,
            "source": source,
            "printed": printed,
            "check": check.describe(ctx.lang),
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
        checks[f"{inst.id}:{pub.timepoint}"] = check.to_dict()
    return notes, checks


def bars_figure(ctx: ReportContext, inst: Instrument, result: dict, caption: str) -> Figure:
    cats = ctx.categories(inst)
    series = []
    for name, label in ((PRE, _("Before")), (POST, _("After"))):
        pcts = result[name]["percent"]
        values = tuple(pcts.get(c, 0.0) for c, _l in cats)
        series.append(charts.BarSeries(label, values, tuple(pct_text(v, ctx.lang) for v in values)))
    spec = charts.BarsSpec(tuple(lab for _c, lab in cats), tuple(series), _("% of mothers"), 100.0)
    return Figure(f"{inst.id}_bars", caption, spec)


def flow_figure(ctx: ReportContext, inst: Instrument, table_display, caption: str) -> Figure:
    cats = ctx.categories(inst)
    spec = charts.FlowSpec(tuple(lab for _c, lab in cats), table_display, _("Before"), _("After"))
    return Figure(f"{inst.id}_flow", caption, spec)


def transition_table(
    ctx: ReportContext, inst: Instrument, display, caption: str, key: str
) -> Table:
    labels = [lab for _c, lab in ctx.categories(inst)]
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
    return Table(key, caption, heading, tuple(body), foot, (note,))


# ------------------------------------------------------------------------ 3. knowledge


def section_knowledge(ctx: ReportContext, inst: Instrument) -> Part:
    """Knowledge categories before and after (margins, who moved where) and the scores."""
    blocks: list = []
    table, margins, checks = margins_table(
        ctx,
        inst,
        "knowledge",
        _("Mothers' knowledge before and after the education session"),
        _("Before education"),
        _("After education"),
    )
    numbers: dict[str, Any] = {"published_checks": checks} if checks else {}
    numbers["knowledge"] = margins
    blocks.append(table)
    blocks.append(
        bars_figure(
            ctx, inst, margins, _("Knowledge category before and after (% of mothers measured)")
        )
    )
    names = dict(ctx.categories(inst))
    levels = list(names.values())[::-1]  # lowest first for the ordinal tests
    before, after, pre_only, post_only, neither = ctx.pair_lists(
        inst.id, lambda r: names.get(r.category)
    )
    missing = (MissingRow(inst, pre_only, post_only, neither),)
    try:
        ordinal = stats.paired_ordinal(before, after, levels)
    except stats.StatisticsError as exc:
        blocks.append(Paragraph(_("Paired analysis not possible: %(why)s") % {"why": exc}, "note"))
        return Part(Section("knowledge", inst.title, tuple(blocks)), numbers, missing=missing)
    display = tuple(tuple(row[::-1]) for row in ordinal.table[::-1])
    blocks.append(
        transition_table(
            ctx,
            inst,
            display,
            _("Knowledge category of each mother before × after (complete pairs, n = %(n)s)")
            % {"n": ordinal.n_used},
            "knowledge_pairs",
        )
    )
    blocks.append(flow_figure(ctx, inst, display, _("Where each mother's knowledge category went")))
    blocks.append(Paragraph(ordinal.describe(ctx.lang), "lead"))
    numbers["knowledge_paired"] = ordinal.to_dict()
    methods = [
        _(
            "Knowledge categories (ordered) were compared within mothers with the Stuart-Maxwell "
            "test of marginal homogeneity and the Wilcoxon signed-rank test on the category "
            "codes; the before × after table shows who moved where."
        )
    ]
    scores = knowledge_scores(ctx, inst)
    if scores is not None:
        blocks.extend(scores.section.blocks)
        numbers.update(scores.numbers)
        methods.extend(scores.methods)
    return Part(
        Section("knowledge", inst.title, tuple(blocks)),
        numbers,
        summary=(_("Knowledge: %(text)s") % {"text": ordinal.describe(ctx.lang)},),
        methods=tuple(methods),
        missing=missing,
    )


def knowledge_scores(ctx: ReportContext, inst: Instrument) -> Part | None:
    """The knowledge scores (0–100) compared within mothers, and the normalised gain; the
    blocks go at the end of the knowledge section (None: no pairs to compare)."""
    before, after, *_rest = ctx.pair_lists(inst.id, lambda r: r.score_pct)
    try:
        scores = stats.paired_scores(before, after)
    except stats.StatisticsError:
        return None
    blocks: list = []
    blocks.append(
        # xgettext:no-python-format
        scores_table(ctx, "knowledge_scores", [(_("Knowledge score (% correct)"), scores)])
    )
    blocks.append(Paragraph(scores.describe(ctx.lang)))
    numbers = {"knowledge_scores": scores.to_dict()}
    try:
        gain = stats.normalized_gain(before, after, 100)
        blocks.append(Paragraph(gain.describe(ctx.lang)))
        numbers["knowledge_gain"] = gain.to_dict()
    except stats.StatisticsError:
        pass
    method = _(
        "Scores (0–100) were compared with the paired t-test when the differences did not "
        "depart from normality (Shapiro-Wilk p ≥ 0.05) and with the Wilcoxon signed-rank test "
        "otherwise; Hake's normalised gain gives the share of the possible improvement."
    )
    return Part(Section("knowledge", inst.title, tuple(blocks)), numbers, methods=(method,))


def scores_table(ctx: ReportContext, key: str, rows: list[tuple[str, Any]]) -> Table:
    lang = ctx.lang
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
        _("Mean scores before and after (complete pairs)"),
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


def section_smoothness(ctx: ReportContext, inst: Instrument) -> Part:
    """Smoothness categories before and after, and the paired yes/no comparison."""
    blocks: list = []
    table, margins, checks = margins_table(
        ctx,
        inst,
        "smoothness",
        # "before and after the program", never "after the massage": a one-group pre/post
        # design cannot attribute the change to the massage (content review M14).
        _("Breastfeeding smoothness before and after the program"),
        _("Before the program"),
        _("After the program"),
    )
    numbers: dict[str, Any] = {"published_checks": checks} if checks else {}
    numbers["smoothness"] = margins
    blocks.append(table)
    blocks.append(
        bars_figure(
            ctx,
            inst,
            margins,
            _("Breastfeeding smoothness before and after (% of mothers measured)"),
        )
    )
    cats = ctx.categories(inst)
    best = cats[0][0]
    before, after, pre_only, post_only, neither = ctx.pair_lists(
        inst.id, lambda r: (r.category == best) if r.category else None
    )
    missing = (MissingRow(inst, pre_only, post_only, neither),)
    try:
        res = stats.paired_binary(before, after, label=_yes_label(cats[0][1]))
    except stats.StatisticsError as exc:
        blocks.append(Paragraph(_("Paired analysis not possible: %(why)s") % {"why": exc}, "note"))
        return Part(Section("smoothness", inst.title, tuple(blocks)), numbers, missing=missing)
    blocks.append(
        transition_table(
            ctx,
            inst,
            res.table,
            _("Smoothness of each mother before × after (complete pairs, n = %(n)s)")
            % {"n": res.n_used},
            "smoothness_pairs",
        )
    )
    blocks.append(
        flow_figure(ctx, inst, res.table, _("Where each mother's smoothness category went"))
    )
    blocks.append(Paragraph(res.describe(ctx.lang), "lead"))
    numbers["smoothness_paired"] = res.to_dict()
    # xgettext:no-python-format
    method = _(
        "Yes/no outcomes measured twice on the same mothers were compared with McNemar's "
        "test (exact binomial test when fewer than 25 mothers changed, otherwise chi-square "
        "with continuity correction); the difference in proportions has a Newcombe 95% "
        "confidence interval."
    )
    return Part(
        Section("smoothness", inst.title, tuple(blocks)),
        numbers,
        summary=(_("Breastfeeding smoothness: %(text)s") % {"text": res.describe(ctx.lang)},),
        methods=(method,),
        missing=missing,
    )


def _yes_label(label: str) -> str:
    return _("of mothers whose milk was '%(label)s'") % {"label": label}
