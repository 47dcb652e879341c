"""Paired ordered categories before and after (e.g. Kurang < Cukup < Baik).

References
----------
Stuart A (1955), Maxwell AE (1970): marginal homogeneity; Bowker AH (1948): symmetry;
Wilcoxon F (1945); Kerby DS (2014): rank-biserial correlation. See :mod:`._square`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from laktasi.stats._common import (
    Result,
    as_1d,
    check_same_length,
    complete_pairs,
    level_codes,
    plural_dropped,
    to_tuple2,
)
from laktasi.stats._signedrank import SignedRankTest, signed_rank_from_code_counts
from laktasi.stats._square import (
    bowker_batch,
    code_difference_counts,
    stuart_maxwell_batch,
    stuart_maxwell_dropped,
)
from laktasi.stats.errors import StatisticsError
from laktasi.stats.formatting import fmt_num, fmt_p, tr
from laktasi.stats.percentages import frequency_table


@dataclass(frozen=True)
class ChiSquareTest:
    """A chi-square test: statistic, degrees of freedom and p."""

    name: str
    statistic: float
    df: int
    p_value: float
    note: str | None = None


def check_levels(levels: Sequence[Any]) -> tuple[Any, ...]:
    if levels is None or isinstance(levels, (str, bytes)):
        raise StatisticsError("levels must be a list of categories, lowest first")
    out = tuple(levels)
    if len(out) < 2:
        raise StatisticsError("levels must name at least two categories")
    if len(set(out)) != len(out):
        raise StatisticsError(f"levels must be distinct: {list(out)!r}")
    return out


@dataclass(frozen=True)
class PairedOrdinalResult(Result):
    """Result of :func:`paired_ordinal`. ``table[i][j]``: before level i, after level j."""

    levels: tuple[str, ...]
    table: tuple[tuple[int, ...], ...]
    n_used: int
    n_dropped: int
    before_counts: tuple[int, ...]
    after_counts: tuple[int, ...]
    before_percent: tuple[float, ...]  #: correctly rounded, 1 decimal
    after_percent: tuple[float, ...]
    stuart_maxwell: ChiSquareTest
    bowker: ChiSquareTest
    wilcoxon: SignedRankTest  #: on codes 0..K-1, differences after - before
    improved: int
    unchanged: int
    worsened: int
    rank_biserial: float | None  #: matched-pairs rank-biserial; None if nobody changed
    method: str
    warnings: tuple[str, ...]

    def describe(self, lang: str = "id") -> str:
        pct = tr(lang, " %", "%")

        def dist(percent: tuple[float, ...]) -> str:
            return ", ".join(
                f"{lev} {fmt_num(p, 1, lang)}{pct}"
                for lev, p in zip(self.levels, percent, strict=True)
            )

        sm = self.stuart_maxwell
        w = self.wilcoxon
        text = tr(
            lang,
            f"Dari {self.n_used} pasangan, {self.improved} membaik, {self.unchanged} tetap dan "
            f"{self.worsened} memburuk. Sebelum: {dist(self.before_percent)}; sesudah: "
            f"{dist(self.after_percent)}. Uji homogenitas marginal Stuart-Maxwell: "
            f"khi-kuadrat = {fmt_num(sm.statistic, 2, lang)}, df = {sm.df}, "
            f"{fmt_p(sm.p_value, lang)}; uji peringkat bertanda Wilcoxon: "
            f"V = {fmt_num(w.statistic_v, 1, lang)}, {fmt_p(w.p_value, lang)}",
            f"Of {self.n_used} pairs, {self.improved} improved, {self.unchanged} stayed the same "
            f"and {self.worsened} worsened. Before: {dist(self.before_percent)}; after: "
            f"{dist(self.after_percent)}. Stuart-Maxwell marginal homogeneity: "
            f"chi-square = {fmt_num(sm.statistic, 2, lang)}, df = {sm.df}, "
            f"{fmt_p(sm.p_value, lang)}; Wilcoxon signed-rank: "
            f"V = {fmt_num(w.statistic_v, 1, lang)}, {fmt_p(w.p_value, lang)}",
        )
        if self.rank_biserial is not None:
            text += tr(lang, "; korelasi rank-biserial r = ", "; rank-biserial r = ")
            text += fmt_num(self.rank_biserial, 2, lang)
        text += "."
        if sm.df == 0:
            text += tr(
                lang,
                " Tidak ada pasangan yang berpindah kategori (p = 1).",
                " No pair changed category (p = 1).",
            )
        dropped = plural_dropped(self.n_dropped, lang)
        return f"{text} {dropped}" if dropped else text


def paired_ordinal_from_table(
    table: Any, levels: Sequence[Any], *, n_dropped: int = 0
) -> PairedOrdinalResult:
    """:func:`paired_ordinal` from a K x K table of counts (rows before, columns after)."""
    levels_t = check_levels(levels)
    k = len(levels_t)
    t = np.asarray(table, dtype=np.int64)
    if t.shape != (k, k):
        raise StatisticsError(f"table must be {k} x {k} for {k} levels, got shape {t.shape}")
    if (t < 0).any():
        raise StatisticsError("table counts must not be negative")
    n = int(t.sum())
    if n < 2:
        raise StatisticsError(f"need at least two pairs, got {n}")
    names = tuple(str(x) for x in levels_t)
    before = t.sum(axis=1)
    after = t.sum(axis=0)
    sm_stat, sm_df, sm_p = stuart_maxwell_batch(t[None])
    bw_stat, bw_df, bw_p = bowker_batch(t[None])
    pos, neg = code_difference_counts(t[None])
    improved, worsened = int(pos.sum()), int(neg.sum())
    unchanged = n - improved - worsened
    wil = signed_rank_from_code_counts(pos[0], neg[0], unchanged)

    warnings = []
    sm_note = None
    dropped = stuart_maxwell_dropped(t)
    if improved + worsened == 0:
        warnings.append("no pair changed category: every test gives p = 1")
        sm_note = "no change: statistic 0 on 0 df, p = 1"
    elif dropped:
        names_dropped = ", ".join(names[i] for i in dropped)
        sm_note = (
            f"categories with no change in or out ({names_dropped}) were dropped, "
            f"df = {int(sm_df[0])} (as DescTools StuartMaxwellTest)"
        )
        warnings.append(f"Stuart-Maxwell: {sm_note}")
    n_pairs_zero = int(k * (k - 1) // 2 - bw_df[0])
    bw_note = None
    if n_pairs_zero and improved + worsened:
        bw_note = f"{n_pairs_zero} pair(s) of cells with no change left out of the sum and df"
    if n < 20:
        warnings.append(f"small sample (n = {n}): p-values are approximate")
    if n_dropped:
        warnings.append(f"{n_dropped} pair(s) with a missing value dropped")
    ft_b = frequency_table(before.tolist(), names)
    ft_a = frequency_table(after.tolist(), names)
    return PairedOrdinalResult(
        levels=names,
        table=to_tuple2(t),
        n_used=n,
        n_dropped=n_dropped,
        before_counts=tuple(int(v) for v in before),
        after_counts=tuple(int(v) for v in after),
        before_percent=tuple(r.rounded for r in ft_b.rows),
        after_percent=tuple(r.rounded for r in ft_a.rows),
        stuart_maxwell=ChiSquareTest(
            "Stuart-Maxwell", float(sm_stat[0]), int(sm_df[0]), float(sm_p[0]), sm_note
        ),
        bowker=ChiSquareTest("Bowker", float(bw_stat[0]), int(bw_df[0]), float(bw_p[0]), bw_note),
        wilcoxon=wil,
        improved=improved,
        unchanged=unchanged,
        worsened=worsened,
        rank_biserial=wil.rank_biserial,
        method=(
            "Stuart-Maxwell marginal homogeneity (generalised inverse when a category is "
            "uninvolved), Bowker symmetry (zero cell pairs left out), Wilcoxon signed-rank on "
            "codes 0..K-1 with zeros dropped, normal approximation with tie and continuity "
            "correction; matched-pairs rank-biserial over changed pairs"
        ),
        warnings=tuple(warnings),
    )


def paired_ordinal(
    before: Sequence[Any] | np.ndarray,
    after: Sequence[Any] | np.ndarray,
    levels: Sequence[Any],
) -> PairedOrdinalResult:
    """Compare an ordered category (e.g. knowledge Kurang/Cukup/Baik) before and after.

    Matches DescTools ``StuartMaxwellTest(table)``, R ``mcnemar.test(table)`` (Bowker) and
    ``wilcox.test(codes_after, codes_before, paired = TRUE, exact = FALSE, correct = TRUE)``.

    Parameters
    ----------
    before, after : sequence of labels or numpy array
        One label per person; ``None`` (or NaN) is missing and the pair is dropped.
    levels : sequence
        The categories from lowest to highest, e.g. ``["Kurang", "Cukup", "Baik"]``.

    Returns
    -------
    PairedOrdinalResult
        K x K transition table, margins, Stuart-Maxwell, Bowker, Wilcoxon (V = sum of
        positive ranks of the code differences after - before), improved / unchanged /
        worsened counts and the matched-pairs rank-biserial correlation.

    Notes
    -----
    Stuart-Maxwell: ``X^2 = d' S^- d`` with ``d`` the differences of the margins; see
    :mod:`laktasi.stats._square` for the singular case. The Wilcoxon test drops zero
    differences (as R) and always uses the normal approximation with tie correction
    ``sum(t^3 - t)/48`` and continuity correction, because codes are heavily tied.

    Missing data: complete pairs only. Raises StatisticsError for unequal lengths, labels
    not in ``levels`` and fewer than two complete pairs.
    """
    levels_t = check_levels(levels)
    b_arr = as_1d(before, "before")
    a_arr = as_1d(after, "after")
    check_same_length(b_arr, a_arr)
    bc, bm = level_codes(b_arr, levels_t, "before")
    ac, am = level_codes(a_arr, levels_t, "after")
    keep, n_dropped = complete_pairs(bm, am)
    if n_dropped:
        bc, ac = bc[keep], ac[keep]
    k = len(levels_t)
    table = np.bincount(bc * k + ac, minlength=k * k).reshape(k, k)
    return paired_ordinal_from_table(table, levels_t, n_dropped=n_dropped)
