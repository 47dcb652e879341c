"""From dashboard aggregates to indicator tables and survival curves (calls laktasi.stats).

Every table is a :class:`Table` (columns + rows of plain values); the page, its charts and
the CSV/XLSX downloads all render the same tables, so a chart never shows a number its table
does not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
from django.utils import translation
from django.utils.translation import gettext as _

from laktasi import stats
from laktasi.dashboards.selectors import Dashboard

MONTH_DAYS = 30.4375
STATUSES = ("exclusive", "predominant", "partial", "mixed_milk", "not_breastfed")
TABLE_KEYS = ("indicators", "by_age", "survival", "progress")


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list]
    notes: list[str] = field(default_factory=list)


def pct(n: int, d: int, lang: str) -> str:
    return stats.fmt_pct(Fraction(n, d), 1, lang) if d else ""


def _sum(d: dict[str, int], *keys: str) -> int:
    return sum(d.get(k, 0) for k in keys)


def indicator_table(db: Dashboard, lang: str) -> Table:
    columns = [
        _("Area / facility"),
        _("EBF n"), _("EBF N"), _("EBF %"),
        _("MixMF n"), _("MixMF %"),
        _("EIBF n"), _("EIBF N (recorded)"), _("EIBF %"), _("EIBF not recorded"),
        _("Visits due"), _("Visits done"), _("Visits missed"), _("Completeness %"),
        _("IMD n"), _("IMD N (recorded)"), _("IMD %"), _("IMD not recorded"),
        _("Undecided recalls (not in N)"),
    ]  # fmt: skip
    keys = sorted(
        set(db.feeding) | set(db.visits) | set(db.eibf) | set(db.imd),
        key=lambda k: db.children.get(k, k),
    )
    rows = []

    def row(label, feeding, eibf, visits, imd):
        n_all = _sum(feeding, *STATUSES)
        ebf, mix = feeding.get("exclusive", 0), feeding.get("mixed_milk", 0)
        ey, en, eu = eibf.get("yes", 0), eibf.get("no", 0), eibf.get("unknown", 0)
        iy, in_, iu = imd.get("yes", 0), imd.get("no", 0), imd.get("unknown", 0)
        due, done, missed = visits.get("due", 0), visits.get("done", 0), visits.get("missed", 0)
        return [
            label, ebf, n_all, pct(ebf, n_all, lang), mix, pct(mix, n_all, lang),
            ey, ey + en, pct(ey, ey + en, lang), eu,
            due, done, missed, pct(done, due, lang),
            iy, iy + in_, pct(iy, iy + in_, lang), iu,
            feeding.get("undecided", 0),
        ]  # fmt: skip

    sources = {"feeding": db.feeding, "eibf": db.eibf, "visits": db.visits, "imd": db.imd}
    sums: dict[str, dict[str, int]] = {name: {} for name in sources}
    for key in keys:
        cells = row(
            db.children.get(key, key),
            db.feeding.get(key, {}),
            db.eibf.get(key, {}),
            db.visits.get(key, {}),
            db.imd.get(key, {}),
        )
        rows.append(cells)
        for name, src in sources.items():
            for status, n in src.get(key, {}).items():
                sums[name][status] = sums[name].get(status, 0) + n
    total = row(_("Total"), sums["feeding"], sums["eibf"], sums["visits"], sums["imd"])
    rows.append(total)
    notes = [
        _(
            "EBF and MixMF (WHO/UNICEF 2021): infants 0–5 completed months, by the "
            "previous-day recall at each baby's latest visit under six months. EBF = breast "
            "milk only (ORS, vitamins, medicines allowed); MixMF = breast milk plus formula "
            "or animal milk."
        ),
        _(
            "Programme adaptation: WHO/UNICEF 2021 count a cross-section of infants; here each "
            "followed baby counts once, with the latest recall before six months. A latest "
            "recall left undecided by a missing answer is not in N; its count is shown."
        ),
        _("EIBF: put to the breast within one hour of birth, among babies where it was recorded."),
        _(
            "IMD (skin-to-skin contact for at least one hour) is recorded and counted "
            "separately from EIBF; neither is derived from the other."
        ),
    ]
    return Table("indicators", _("Indicators"), columns, rows, notes)


def by_age_table(db: Dashboard, lang: str) -> Table:
    labels = {
        "exclusive": _("exclusive"),
        "predominant": _("predominant (programme category)"),
        "partial": _("breast milk + food or milk-based drinks (no formula)"),
        "mixed_milk": _("mixed milk"),
        "not_breastfed": _("not breastfed"),
    }
    columns = [_("Age (completed months)"), _("Infants (N)"), *labels.values(), _("EBF %")]
    rows = []
    for age in range(6):
        counts = db.feeding_by_age.get(age, {})
        n = _sum(counts, *STATUSES)
        rows.append(
            [
                age,
                n,
                *(counts.get(s, 0) for s in STATUSES),
                pct(counts.get("exclusive", 0), n, lang),
            ]
        )
    notes = [
        _(
            "Predominant (water or non-milk fluids, clear broth included) and breast milk + "
            "food or milk-based drinks are programme categories, not WHO/UNICEF 2021 "
            "indicators; formula or animal milk always counts as mixed milk."
        )
    ]
    return Table("by_age", _("Feeding status by age"), columns, rows, notes)


@dataclass
class Curve:
    group: str
    label: str
    dash: str
    points: list[tuple[float, float]]
    result: stats.KaplanMeierResult


@dataclass
class Survival:
    curves: list[Curve]
    tests: dict[str, stats.LogrankResult | None]  # "husband", "parity"
    table: Table

    def group(self, name: str) -> list[Curve]:
        """Curves of one chart: "all", "husband" or "parity"."""
        return [c for c in self.curves if c.group == name]


def survival(db: Dashboard, lang: str) -> Survival:
    """Kaplan–Meier curves of time to the end of exclusive breastfeeding (months)."""
    columns = [_("Group"), _("Babies"), _("Ended EBF")] + [
        _("EBF at %(m)s mo") % {"m": m} for m in range(1, 7)
    ] + [_("Median (months)")]  # fmt: skip
    table = Table("survival", _("Time to end of exclusive breastfeeding"), columns, [])
    table.notes.append(
        _(
            "Kaplan–Meier: event = first recall that was not exclusive; censored at the last "
            "exclusive recall (lost to follow-up) or at six months. Times are ages at visits."
        )
    )
    if not db.survival:
        return Survival([], {}, table)
    arr = np.array([(d, e, h, p, n) for d, e, h, p, n in db.survival], dtype=float)
    # One row per (duration, event, husband, parity) with its count: the statistics take the
    # counts, so a nation's millions of babies are never built one by one.
    counts = arr[:, 4].astype(int)
    t = arr[:, 0] / MONTH_DAYS
    e = arr[:, 1] > 0
    husband = arr[:, 2] > 0
    primi = arr[:, 3] > 0
    groups = [
        ("all", _("All babies"), "", np.ones_like(e)),
        ("husband", _("Husband does the massage"), "", husband),
        ("husband", _("Husband does not"), "6 4", ~husband),
        ("parity", _("Primipara"), "", primi),
        ("parity", _("Multipara"), "6 4", ~primi),
    ]
    curves = []
    for group, label, dash, mask in groups:
        if not mask.any():
            continue
        km = stats.kaplan_meier(t[mask], e[mask], times=[1, 2, 3, 4, 5, 6], counts=counts[mask])
        points = [(0.0, 1.0)] + list(zip(km.time, km.survival, strict=True))
        curves.append(Curve(group, label, dash, points, km))
        table.rows.append(
            [label, km.n_used, km.n_events]
            + [stats.fmt_pct(a.survival, 1, lang) for a in km.at_times]
            + [stats.fmt_num(km.median, 1, lang) if km.median is not None else "—"]
        )
    tests: dict[str, stats.LogrankResult | None] = {}
    for code, label, g in (
        ("husband", _("who does the massage"), husband),
        ("parity", _("parity"), primi),
    ):
        try:
            result = stats.logrank(t, e, np.where(g, "1", "0"), counts=counts)
        except stats.StatisticsError:
            result = None
        tests[code] = result
        if result is not None:
            table.notes.append(
                _("Log-rank test by %(group)s: chi-square %(chi)s, %(p)s")
                % {
                    "group": label,
                    "chi": stats.fmt_num(result.chisq, 2, lang),
                    "p": stats.fmt_p(result.p_value, lang),
                }
            )
    return Survival(curves, tests, table)


def progress_table(db: Dashboard, lang: str) -> Table:
    r = db.responses

    def count(instrument, timepoint, category=None):
        return sum(
            n
            for (i, t, c), n in r.items()
            if i == instrument and t == timepoint and (category is None or c == category)
        )

    k_pre, k_post = count("knowledge_test", "pre"), count("knowledge_test", "post")
    s_pre, s_post = count("milk_smoothness", "pre"), count("milk_smoothness", "post")
    kb_pre, kb_post = (
        count("knowledge_test", "pre", "baik"),
        count("knowledge_test", "post", "baik"),
    )
    sl_pre = count("milk_smoothness", "pre", "lancar")
    sl_post = count("milk_smoothness", "post", "lancar")
    visits: dict[str, int] = {}
    for counts in db.visits.values():
        for status, n in counts.items():
            visits[status] = visits.get(status, 0) + n
    due, done = visits.get("due", 0), visits.get("done", 0)
    rows = [
        [_("Mothers registered"), db.mothers, "", ""],
        [_("Knowledge test: before / after done"), k_pre, k_post, ""],
        [_("Knowledge 'Baik': before / after"), kb_pre, kb_post, ""],
        [_("Knowledge 'Baik' %: before / after"), pct(kb_pre, k_pre, lang),
         pct(kb_post, k_post, lang), ""],
        [_("Smoothness assessed: before / after"), s_pre, s_post, ""],
        [_("Milk flowing well (lancar): before / after"), sl_pre, sl_post, ""],
        [_("Lancar %: before / after"), pct(sl_pre, s_pre, lang), pct(sl_post, s_post, lang), ""],
        [_("Visits done / due"), done, due, pct(done, due, lang)],
        [_("Visits missed"), visits.get("missed", 0), "", ""],
        [_("Visits open now"), visits.get("open", 0), "", ""],
    ]  # fmt: skip
    columns = [_("Measure"), _("Value / before"), _("After / of"), _("%")]
    notes = [_("Before/after counts are margins; the paired analysis is in the program report.")]
    return Table("progress", _("Program progress"), columns, rows, notes)


def all_tables(db: Dashboard, lang: str) -> tuple[dict[str, Table], Survival]:
    # Labels come from gettext: build them inside the requested language.
    with translation.override(lang):
        surv = survival(db, lang)
        tables = {
            "indicators": indicator_table(db, lang),
            "by_age": by_age_table(db, lang),
            "survival": surv.table,
            "progress": progress_table(db, lang),
        }
    return tables, surv
