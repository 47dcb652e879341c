"""What a margins-only before/after table can and cannot show.

Many reports print only the before counts and the after counts (the margins) of a paired
outcome. Every paired test needs the full table: who moved where. This module enumerates
*every* paired table consistent with the printed margins and reports the smallest and the
largest p-value each test can give. If even the largest p is below 0.05 the change is
significant whatever the pairing; if even the smallest is above, it is not; otherwise the
published margins cannot tell.

Enumeration is row by row in numpy: each partial table always extends to at least one full
table (a transportation problem with equal totals is always feasible), so the number of
partial states never exceeds the final count and the limit is checked as it grows. The
tests are then computed for all tables at once (see :mod:`laktasi.stats._square`). Results
are cached by margins.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import stats

from laktasi.stats._common import Result, count_list, count_value, to_tuple2
from laktasi.stats._intervals import wilson_ci
from laktasi.stats._square import bowker_batch, stuart_maxwell_batch, wilcoxon_codes_batch
from laktasi.stats.errors import StatisticsError
from laktasi.stats.formatting import fmt_count_pct, fmt_p, tr
from laktasi.stats.ordinal import check_levels

#: Refuse to enumerate more tables than this (memory and time stay bounded).
MAX_TABLES = 1_000_000
ALPHA = 0.05


@dataclass(frozen=True)
class PRange:
    """The range of one test's p-value over all tables consistent with the margins."""

    test: str
    p_min: float
    p_max: float
    n_significant: int  #: tables with p < 0.05
    n_tables: int
    table_at_min: tuple[tuple[int, ...], ...]
    table_at_max: tuple[tuple[int, ...], ...]
    verdict: str  #: "always" (every table p < 0.05), "never", or "depends" (on the pairing)


def _verdict_text(r: PRange, lang: str) -> str:
    span = tr(
        lang,
        f"{fmt_p(r.p_min, lang)} sampai {fmt_p(r.p_max, lang)}",
        f"{fmt_p(r.p_min, lang)} to {fmt_p(r.p_max, lang)}",
    )
    if r.verdict == "always":
        tail = tr(
            lang,
            "bermakna (p < 0,05) apa pun pasangannya",
            "significant (p < 0.05) whatever the pairing",
        )
    elif r.verdict == "never":
        tail = tr(
            lang, "tidak bermakna apa pun pasangannya", "not significant whatever the pairing"
        )
    else:
        tail = tr(
            lang,
            f"bermakna pada {r.n_significant} dari {r.n_tables} tabel yang mungkin, jadi "
            "tidak dapat diputuskan dari data marginal saja",
            f"significant in {r.n_significant} of {r.n_tables} possible tables, so it cannot "
            "be decided from the margins alone",
        )
    return f"{r.test}: {span}, {tail}"


def _explain(lang: str) -> str:
    return tr(
        lang,
        "Tabel yang hanya memuat jumlah sebelum dan sesudah menunjukkan besar perubahan "
        "marginal, tetapi tidak menunjukkan siapa yang berubah; uji berpasangan memerlukan "
        "tabel lengkap, sehingga nilai p hanya dapat diberi batas bawah dan atas.",
        "A table of before and after counts shows how much the margins changed but not who "
        "changed; paired tests need the full table, so their p-values can only be bounded.",
    )


def _prange(name: str, p: np.ndarray, tables: np.ndarray) -> PRange:
    i_min, i_max = int(np.argmin(p)), int(np.argmax(p))
    n_sig = int(np.count_nonzero(p < ALPHA))
    verdict = "always" if n_sig == p.shape[0] else "never" if n_sig == 0 else "depends"
    return PRange(
        test=name,
        p_min=float(p[i_min]),
        p_max=float(p[i_max]),
        n_significant=n_sig,
        n_tables=int(p.shape[0]),
        table_at_min=to_tuple2(tables[i_min]),
        table_at_max=to_tuple2(tables[i_max]),
        verdict=verdict,
    )


# ----------------------------------------------------------------------------- binary


@dataclass(frozen=True)
class BinaryBounds(Result):
    """Result of :func:`marginal_bounds_binary`. Tables are ((a, b), (c, d)) as paired_binary."""

    n: int
    before_yes: int
    after_yes: int
    p_before: float
    p_before_ci: tuple[float, float]  #: Wilson 95 %
    p_after: float
    p_after_ci: tuple[float, float]
    difference: float  #: after - before, fixed by the margins
    n_tables: int
    yes_yes_range: tuple[int, int]  #: possible values of a (yes before and after)
    exact: PRange  #: McNemar exact
    midp: PRange
    asymptotic_cc: PRange
    method: str
    warnings: tuple[str, ...]

    def describe(self, lang: str = "id") -> str:
        before = fmt_count_pct(self.before_yes, self.n, 1, lang)
        after = fmt_count_pct(self.after_yes, self.n, 1, lang)
        head = tr(
            lang,
            f"Sebelum {before}, sesudah {after}. Ada {self.n_tables} tabel berpasangan yang "
            f"sesuai dengan angka ini; p uji McNemar eksak berkisar",
            f"Before {before}, after {after}. {self.n_tables} paired tables fit these counts; "
            f"the exact McNemar p ranges",
        )
        return f"{head} {_verdict_text(self.exact, lang).split(': ', 1)[1]}. {_explain(lang)}"


@lru_cache(maxsize=256)
def _binary_bounds(n: int, r1: int, c1: int) -> BinaryBounds:
    lo, hi = max(0, r1 + c1 - n), min(r1, c1)
    a = np.arange(lo, hi + 1)
    b, c = r1 - a, c1 - a
    d = n - r1 - c1 + a
    tables = np.stack([np.stack([a, b], 1), np.stack([c, d], 1)], 1)
    m = b + c
    k = np.minimum(b, c)
    safe_m = np.maximum(m, 1)
    exact = np.where(m == 0, 1.0, np.minimum(1.0, 2 * stats.binom.cdf(k, safe_m, 0.5)))
    midp = np.where(
        m == 0,
        1.0,
        np.minimum(
            1.0, 2 * (stats.binom.cdf(k, safe_m, 0.5) - 0.5 * stats.binom.pmf(k, safe_m, 0.5))
        ),
    )
    corr = np.where(b != c, 1, 0)
    chi = (np.abs(b - c) - corr) ** 2 / safe_m
    asym = np.where(m == 0, 1.0, stats.chi2.sf(chi, 1))
    warnings = []
    if n < 20:
        warnings.append(f"small sample (n = {n})")
    return BinaryBounds(
        n=n,
        before_yes=r1,
        after_yes=c1,
        p_before=r1 / n,
        p_before_ci=wilson_ci(r1, n),
        p_after=c1 / n,
        p_after_ci=wilson_ci(c1, n),
        difference=(c1 - r1) / n,
        n_tables=int(a.shape[0]),
        yes_yes_range=(lo, hi),
        exact=_prange("McNemar exact", exact, tables),
        midp=_prange("McNemar mid-p", midp, tables),
        asymptotic_cc=_prange("McNemar chi-square (continuity corrected)", asym, tables),
        method="all 2x2 tables with the given margins enumerated; p of each McNemar variant",
        warnings=tuple(warnings),
    )


def marginal_bounds_binary(n: int, before_yes: int, after_yes: int) -> BinaryBounds:
    """Range of McNemar p over every paired 2x2 table with the published margins.

    Parameters
    ----------
    n : int
        Number of people (pairs).
    before_yes, after_yes : int
        How many said yes before and after.

    Returns
    -------
    BinaryBounds
        ``n_tables`` consistent tables (``a`` = yes-yes runs over ``yes_yes_range``), and
        for the exact, mid-p and continuity-corrected McNemar tests the min and max p,
        the tables where they occur and how many tables give p < 0.05.

    Examples
    --------
    The article: "Lancar" 6/15 before, 13/15 after.

    >>> r = marginal_bounds_binary(15, 6, 13)
    >>> r.n_tables, round(r.exact.p_min, 4), round(r.exact.p_max, 4)
    (3, 0.0156, 0.0654)
    """
    n = count_value(n, "n")
    r1 = count_value(before_yes, "before_yes")
    c1 = count_value(after_yes, "after_yes")
    if n < 2:
        raise StatisticsError(f"n must be at least 2, got {n}")
    if r1 > n or c1 > n:
        raise StatisticsError(f"before_yes ({r1}) and after_yes ({c1}) cannot exceed n ({n})")
    return _binary_bounds(n, r1, c1)


# ---------------------------------------------------------------------------- ordinal


def _compositions(total: int, caps: np.ndarray) -> np.ndarray:
    """All vectors v >= 0 with v <= caps and sum(v) == total, shape (m, K)."""
    k = caps.shape[0]
    partial = np.zeros((1, 0), dtype=np.int64)
    left = np.array([total])
    for j in range(k - 1):
        upto = np.minimum(left, caps[j])
        # the parts still to come can absorb at most sum(caps[j+1:])
        least = np.maximum(0, left - caps[j + 1 :].sum())
        reps = np.maximum(upto - least + 1, 0)
        idx = np.repeat(np.arange(partial.shape[0]), reps)
        offs = np.arange(idx.shape[0]) - np.repeat(np.cumsum(reps) - reps, reps)
        vals = np.repeat(least, reps) + offs
        partial = np.concatenate([partial[idx], vals[:, None]], axis=1)
        left = left[idx] - vals
    last = left
    ok = last <= caps[k - 1]
    return np.concatenate([partial[ok], last[ok, None]], axis=1)


def enumerate_tables(
    row_sums: Sequence[int], col_sums: Sequence[int], limit: int = MAX_TABLES
) -> np.ndarray:
    """Every non-negative integer table with the given margins, shape (T, K_rows, K_cols)."""
    rows = np.asarray(row_sums, dtype=np.int64)
    cols = np.asarray(col_sums, dtype=np.int64)
    if rows.sum() != cols.sum():
        raise StatisticsError(
            f"before and after counts must have the same total ({rows.sum()} vs {cols.sum()})"
        )
    kc = cols.shape[0]
    tables = np.zeros((1, 0, kc), dtype=np.int64)
    remaining = cols[None, :].copy()
    for i in range(rows.shape[0] - 1):
        comps = _compositions(int(rows[i]), cols)  # row i, bounded by the column totals
        chunk = max(1, 20_000_000 // max(1, comps.shape[0] * kc))
        parts_t, parts_r = [], []
        count = 0
        for start in range(0, remaining.shape[0], chunk):
            rem = remaining[start : start + chunk]
            fits = (comps[None, :, :] <= rem[:, None, :]).all(axis=2)
            si, ci = np.nonzero(fits)
            count += si.shape[0]
            if count > limit:
                raise StatisticsError(
                    f"more than {limit} tables fit these margins: too many to enumerate"
                )
            parts_t.append(
                np.concatenate([tables[start : start + chunk][si], comps[ci][:, None, :]], axis=1)
            )
            parts_r.append(rem[si] - comps[ci])
        tables = np.concatenate(parts_t, axis=0)
        remaining = np.concatenate(parts_r, axis=0)
    return np.concatenate([tables, remaining[:, None, :]], axis=1)


@dataclass(frozen=True)
class OrdinalBounds(Result):
    """Result of :func:`marginal_bounds_ordinal`. Tables: rows before, columns after."""

    levels: tuple[str, ...]
    before_counts: tuple[int, ...]
    after_counts: tuple[int, ...]
    n: int
    n_tables: int
    stuart_maxwell: PRange
    bowker: PRange
    wilcoxon: PRange
    improved_range: tuple[int, int]  #: fewest and most people who could have improved
    worsened_range: tuple[int, int]
    method: str
    warnings: tuple[str, ...]

    def describe(self, lang: str = "id") -> str:
        head = tr(
            lang,
            f"Ada {self.n_tables} tabel berpasangan yang sesuai dengan jumlah sebelum dan "
            f"sesudah (n = {self.n}); antara {self.improved_range[0]} dan "
            f"{self.improved_range[1]} orang bisa saja membaik.",
            f"{self.n_tables} paired tables fit the before and after counts (n = {self.n}); "
            f"between {self.improved_range[0]} and {self.improved_range[1]} people may have "
            "improved.",
        )
        tests = "; ".join(
            _verdict_text(r, lang) for r in (self.stuart_maxwell, self.bowker, self.wilcoxon)
        )
        return f"{head} {tests}. {_explain(lang)}"


@lru_cache(maxsize=64)
def _ordinal_bounds(
    before: tuple[int, ...], after: tuple[int, ...], names: tuple[str, ...]
) -> OrdinalBounds:
    tables = enumerate_tables(before, after)
    _, _, sm_p = stuart_maxwell_batch(tables)
    _, _, bw_p = bowker_batch(tables)
    wx_p = wilcoxon_codes_batch(tables)
    k = len(before)
    upper = np.triu(np.ones((k, k), dtype=bool), 1)
    improved = tables[:, upper].sum(axis=1)
    worsened = tables[:, upper.T].sum(axis=1)
    n = sum(before)
    warnings = []
    if n < 20:
        warnings.append(f"small sample (n = {n}): p-values are approximate")
    return OrdinalBounds(
        levels=names,
        before_counts=before,
        after_counts=after,
        n=n,
        n_tables=int(tables.shape[0]),
        stuart_maxwell=_prange("Stuart-Maxwell", sm_p, tables),
        bowker=_prange("Bowker", bw_p, tables),
        wilcoxon=_prange("Wilcoxon", wx_p, tables),
        improved_range=(int(improved.min()), int(improved.max())),
        worsened_range=(int(worsened.min()), int(worsened.max())),
        method=(
            "all K x K tables with the given margins enumerated; Stuart-Maxwell, Bowker and "
            "Wilcoxon signed-rank (as paired_ordinal) computed for each"
        ),
        warnings=tuple(warnings),
    )


def marginal_bounds_ordinal(
    before_counts: Sequence[int], after_counts: Sequence[int], levels: Sequence[Any]
) -> OrdinalBounds:
    """Range of the ordinal paired tests over every table with the published margins.

    Parameters
    ----------
    before_counts, after_counts : sequence of int
        Counts per level before and after, in the order of ``levels`` (lowest first).
        Both must add up to the same number of people.
    levels : sequence
        Category names, lowest first.

    Returns
    -------
    OrdinalBounds
        Number of consistent tables and, for Stuart-Maxwell, Bowker and Wilcoxon (computed
        as :func:`~laktasi.stats.paired_ordinal`), the min and max p with the tables giving
        them and how many tables give p < 0.05.

    Raises
    ------
    StatisticsError
        Negative counts, different totals, length not matching ``levels``, fewer than two
        people, or more than 1,000,000 consistent tables.

    Examples
    --------
    The article: Kurang/Cukup/Baik 8/5/2 before, 1/4/10 after.

    >>> r = marginal_bounds_ordinal([8, 5, 2], [1, 4, 10], ["Kurang", "Cukup", "Baik"])
    >>> r.n_tables > 0 and r.wilcoxon.p_max < 0.05
    True
    """
    levels_t = check_levels(levels)
    before = count_list(before_counts, "before_counts")
    after = count_list(after_counts, "after_counts")
    k = len(levels_t)
    if len(before) != k or len(after) != k:
        raise StatisticsError(
            f"need {k} counts (one per level) before and after, got {len(before)} and {len(after)}"
        )
    if sum(before) != sum(after):
        raise StatisticsError(
            f"before counts add up to {sum(before)} but after counts to {sum(after)}: "
            "a paired table needs the same people twice"
        )
    if sum(before) < 2:
        raise StatisticsError("need at least two people")
    return _ordinal_bounds(before, after, tuple(str(x) for x in levels_t))
