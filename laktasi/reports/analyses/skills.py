"""Sections for skills checklists, confidence/support scales and interview themes.

Each builder reads the report's :class:`ReportContext` and returns its :class:`Part`."""

from __future__ import annotations

import re
from collections import Counter
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _

from laktasi import stats
from laktasi.instruments.registry import NOT_ASSESSED
from laktasi.instruments.scoring import is_relevant
from laktasi.instruments.themes import theme_label
from laktasi.reports import charts
from laktasi.reports.analyses.common import (
    MAX_QUOTES,
    POST,
    PRE,
    Instrument,
    MissingRow,
    Part,
    ReportContext,
    count_pct_cells,
    head,
    n_cell,
    pct_cell,
    pct_text,
)
from laktasi.reports.analyses.outcomes import scores_table
from laktasi.reports.datasets import ResponseRow
from laktasi.reports.document import (
    Cell,
    Figure,
    Paragraph,
    Section,
    Table,
)

# ------------------------------------------------------------------------ 5. skills


def section_skills(ctx: ReportContext) -> Part:
    """Who was judged competent, each checklist's steps, and the observers' agreement."""
    blocks: list = []
    comp_rows = []
    skills: dict[str, dict] = {}
    summary: list[str] = []
    for inst in ctx.of_kind("checklist"):
        post = ctx.responses(inst.id, POST) or ctx.responses(inst.id, PRE)
        cats = ctx.categories(inst)
        good = cats[0][0]
        groups = {True: [], False: []}
        for r in post.values():
            if r.category:
                groups[r.by_companion].append(r)
        for by_companion, rows in groups.items():
            if not rows:
                continue
            k = sum(r.category == good for r in rows)
            who = _("companions") if by_companion else _("mothers")
            n, p = count_pct_cells(k, len(rows), ctx.lang)
            comp_rows.append((Cell(inst.title), Cell(who), n_cell(len(rows)), n, p))
            skills[inst.id] = {
                "performer": "companion" if by_companion else "mother",
                "n": len(rows),
                "competent": k,
            }
            summary.append(
                _("%(instrument)s: %(k)s of %(n)s %(who)s competent (%(pct)s).")
                % {"instrument": inst.title, "k": k, "n": len(rows), "who": who, "pct": p.text}
            )
    if comp_rows:
        blocks.append(
            Table(
                "competence",
                _("Share judged competent after practice"),
                (head(_("Skill"), _("Performed by"), _("Observed"), _("Competent, n"), "%"),),
                tuple(comp_rows),
            )
        )
    agreement: dict[str, dict] = {}
    for inst in ctx.of_kind("checklist"):
        blocks.extend(skill_items(ctx, inst))
        agreed, kappa = skill_agreement(ctx, inst)
        blocks.extend(agreed)
        if kappa is not None:
            agreement[inst.id] = kappa
    rule = _(
        "A person is competent when the checklist score reaches the instrument's "
        "threshold and no critical step is missed (rule stored with each response)."
    )
    blocks.append(Paragraph(rule, "note"))
    numbers = {key: value for key, value in (("skills", skills), ("agreement", agreement)) if value}
    section = Section("skills", _("Skills: oxytocin massage and Marmet technique"), tuple(blocks))
    return Part(section, numbers, summary=tuple(summary))


def skill_items(ctx: ReportContext, inst: Instrument) -> list:
    post = ctx.responses(inst.id, POST) or ctx.responses(inst.id, PRE)
    if not post:
        return []
    d = inst.definition
    top = d.scoring.get("top_level", 1)
    critical = set(d.scoring.get("critical_items", ()))
    rates = []
    for no, item in enumerate(d.items, start=1):
        # a step marked "not assessed" (group/clothed practice) is out of that step's N
        values = [r.answers.get(item.id, 0) for r in post.values()]
        values = [int(v or 0) for v in values if v != NOT_ASSESSED]
        n = len(values)
        if not n:
            continue
        done = sum(1 for v in values if v >= top)
        row = stats.frequency_table([done, n - done], ["done", "missed"]).rows[0]
        rates.append((row.rounded, no, item, done, n))
    rates.sort(key=lambda t: (t[0], t[1]))
    body = tuple(
        (
            n_cell(no),
            Cell(item.label_for(ctx.lang)),
            Cell(_("yes") if item.id in critical else ""),
            Cell(f"{done}/{n}", value=done, align="right"),
            pct_cell(rate, ctx.lang),
        )
        for rate, no, item, done, n in rates
    )
    table = Table(
        f"{inst.id[:22]}_items",
        _("%(instrument)s: steps done correctly, the most often missed first (n = %(n)s)")
        % {"instrument": inst.title, "n": len(post)},
        (head(_("Step"), _("What is observed"), _("Critical"), _("Done"), "%"),),
        body,
    )
    spec = charts.HBarsSpec(
        tuple(f"{no}. {_short(item.label_for(ctx.lang))}" for _r, no, item, *_x in rates),
        tuple(r for r, *_x in rates),
        tuple(pct_text(r, ctx.lang) for r, *_x in rates),
        tuple(item.id in critical for _r, _n, item, *_x in rates),
        _("% done correctly"),
        _("critical step"),
        _("other step"),
    )
    fig = Figure(
        f"{inst.id}_items",
        _("%(instrument)s: share of people doing each step correctly") % {"instrument": inst.title},
        spec,
    )
    return [table, fig]


def _short(text: str, width: int = 48) -> str:
    text = text.rstrip(".")
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def skill_agreement(ctx: ReportContext, inst: Instrument) -> tuple[list, dict | None]:
    """Two observers' agreement (Cohen's kappa) on the category and on the steps, and the
    steps' kappa for the key numbers (None: not computed)."""
    first = ctx.responses(inst.id, POST)
    second = ctx.responses(inst.id, POST, observer="second")
    ids = sorted(set(first) & set(second))
    if len(ids) < 2:
        return [], None
    blocks = []
    kappa = None
    try:
        cat = stats.cohen_kappa([first[i].category for i in ids], [second[i].category for i in ids])
        blocks.append(
            Paragraph(
                _(
                    "Agreement of two observers on the category (%(n)s people "
                    "observed twice): %(text)s"
                )
                % {"n": len(ids), "text": cat.describe(ctx.lang)}
            )
        )
    except stats.StatisticsError:
        pass
    items_a, items_b = [], []
    for i in ids:
        for item in inst.definition.items:
            items_a.append(first[i].answers.get(item.id))
            items_b.append(second[i].answers.get(item.id))
    try:
        steps = stats.cohen_kappa(items_a, items_b)
        blocks.append(
            Paragraph(
                _("Agreement on the individual steps (all steps pooled): %(text)s")
                % {"text": steps.describe(ctx.lang)}
            )
        )
        kappa = steps.to_dict()
    except stats.StatisticsError:
        pass
    return blocks, kappa


# ------------------------------------------------------------------------ 6. scores, themes


def section_scores_and_interviews(ctx: ReportContext) -> Part:
    """Confidence and support scales before and after, then the interviews' themes."""
    blocks: list = []
    rows, series_b, series_a, names = [], [], [], []
    missing: list[MissingRow] = []
    likert: dict[str, dict] = {}
    for inst in ctx.of_kind("likert"):
        before, after, pre_only, post_only, neither = ctx.pair_lists(
            inst.id, lambda r: _likert_total(r)
        )
        missing.append(MissingRow(inst, pre_only, post_only, neither))
        try:
            res = stats.paired_scores(before, after)
        except stats.StatisticsError:
            continue
        rows.append((inst.title, res))
        names.append(_short(inst.title, 30))
        maximum = inst.definition.scale_max * len(inst.definition.items)
        series_b.append(100 * res.before.mean / maximum)
        series_a.append(100 * res.after.mean / maximum)
        blocks.append(Paragraph(f"{inst.title}: {res.describe(ctx.lang)}"))
        likert[inst.id] = res.to_dict()
    if rows:
        blocks.insert(0, scores_table(ctx, "likert_scores", rows))
        spec = charts.BarsSpec(
            tuple(names),
            (
                charts.BarSeries(
                    _("Before"),
                    tuple(series_b),
                    tuple(pct_text(v, ctx.lang) for v in series_b),
                ),
                charts.BarSeries(
                    _("After"), tuple(series_a), tuple(pct_text(v, ctx.lang) for v in series_a)
                ),
            ),
            _("mean, % of the maximum score"),
            100.0,
        )
        blocks.insert(
            1,
            Figure(
                "likert_bars",
                _("Confidence and support scores before and after (mean as % of the maximum)"),
                spec,
            ),
        )
        blocks.append(
            Paragraph(
                _(
                    "These scales are laktasi's own and have not been validated; read them as "
                    "descriptions of change, not as measured constructs."
                ),
                "note",
            )
        )
    numbers: dict[str, Any] = {"likert": likert} if likert else {}
    for inst in ctx.of_kind("interview"):
        themes, tags = interview_blocks(ctx, inst)
        blocks.extend(themes)
        if tags is not None:
            numbers["interview_tags"] = tags
    section = Section("scores", _("Confidence, family support and interview themes"), tuple(blocks))
    return Part(section, numbers, missing=tuple(missing))


def interview_blocks(ctx: ReportContext, inst: Instrument) -> tuple[list, dict | None]:
    """The themes of one interview, counted once per mother, and quotes when asked for;
    the counts for the key numbers (None: nobody interviewed)."""
    rows = [r for r in ctx.rows(inst.id) if r.observer == "primary"]
    latest: dict[str, ResponseRow] = {}
    for r in rows:
        latest.setdefault(r.identifier, r)
    n = len(latest)
    if not n:
        return [], None
    counts: Counter[str] = Counter()
    for r in latest.values():
        counts.update(_chosen_tags(inst.definition, r.answers))
    body = []
    for tag, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        n_c, p_c = count_pct_cells(c, n, ctx.lang)
        body.append((Cell(theme_label(tag)), n_c, p_c))
    blocks: list = [
        Table(
            "interview_tags",
            _("Interview themes: mothers whose answers carry each theme (n = %(n)s interviews)")
            % {"n": n},
            (head(_("Theme"), _("Mothers"), "%"),),
            tuple(body),
            notes=(_("A theme is counted once per mother when an answer she chose carries it."),),
        )
    ]
    if ctx.include_quotes:
        quotes = interview_quotes(ctx, inst, latest)
        if quotes:
            blocks.append(Paragraph(_("Quotes (anonymised; names and numbers removed):"), "note"))
            blocks.extend(Paragraph(q, "quote") for q in quotes)
    return blocks, dict(counts)


def interview_quotes(
    ctx: ReportContext, inst: Instrument, latest: dict[str, ResponseRow]
) -> list[str]:
    text_items = [it.id for it in inst.definition.items if it.type == "text"]
    out = []
    seen: set[str] = set()
    for no, ident in enumerate(sorted(latest), start=1):
        for iid in text_items:
            text = scrub(ctx, str(latest[ident].answers.get(iid) or "").strip())
            if len(text) >= 12 and text.lower() not in seen:
                seen.add(text.lower())
                out.append(f"“{text}” — {_('participant')} {no}")
                break
        if len(out) >= MAX_QUOTES:
            break
    return out


def scrub(ctx: ReportContext, text: str) -> str:
    for name in ctx.ds.scrub_names:
        for part in {name, *[p for p in name.split() if len(p) > 3]}:
            text = re.sub(rf"\b{re.escape(part)}\b", "[…]", text, flags=re.IGNORECASE)
    return re.sub(r"\+?\d[\d\s\-]{6,}\d", "[…]", text)


def _chosen_tags(definition, answers: dict) -> set[str]:
    """Theme tags of the options chosen in relevant questions (question tags left out)."""
    tags: set[str] = set()
    for item in definition.items:
        value = answers.get(item.id)
        if value is None or not item.choices or not is_relevant(item, answers):
            continue
        for name in value if isinstance(value, list | tuple) else (value,):
            if str(name) in item.choice_names:
                tags.update(item.choice(str(name)).tags)
    return tags


def _likert_total(r: ResponseRow) -> float | None:
    total = r.details.get("total")
    return None if total in (None, "") else float(Fraction(str(total)))
