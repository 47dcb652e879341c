"""Paired yes/no outcomes before and after: McNemar tests, Wilson and Newcombe intervals.

References
----------
McNemar Q (1947). Note on the sampling error of the difference between correlated
proportions or percentages. Psychometrika 12:153-157.
Fagerland MW, Lydersen S, Laake P (2013). The McNemar test for binary matched-pairs data:
mid-p and asymptotic are better than exact conditional. BMC Med Res Methodol 13:91.
Newcombe RG (1998). Statistics in Medicine 17:2635-2650 (method 10).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from laktasi.stats._common import (
    Result,
    as_1d,
    binary_values,
    check_same_length,
    clip_p,
    complete_pairs,
    plural_dropped,
)
from laktasi.stats._intervals import clopper_pearson, newcombe_paired_ci, wilson_ci
from laktasi.stats.formatting import fmt_ci, fmt_count_pct, fmt_num, fmt_p, tr

#: Below this many discordant pairs the exact McNemar p is quoted (SPSS NPAR TESTS rule).
EXACT_BELOW = 25


def mcnemar_exact_p(b: int, c: int) -> float:
    """Two-sided exact McNemar p: binomial test of ``b`` successes in ``b + c``, p = 1/2.

    Same as R ``binom.test(b, b + c)$p.value`` (and ``exact2x2::mcnemar.exact``):
    ``min(1, 2 P(X <= min(b, c)))``. Defined as 1 when there are no discordant pairs.
    """
    m = b + c
    if m == 0:
        return 1.0
    return clip_p(2 * stats.binom.cdf(min(b, c), m, 0.5))


def mcnemar_midp(b: int, c: int) -> float:
    """Mid-p McNemar: the exact p minus the probability of the observed table.

    ``2 [P(X <= k) - P(X = k) / 2]`` with ``k = min(b, c)`` (Fagerland et al. 2013).
    """
    m = b + c
    if m == 0:
        return 1.0
    k = min(b, c)
    return clip_p(2 * (stats.binom.cdf(k, m, 0.5) - 0.5 * stats.binom.pmf(k, m, 0.5)))


def mcnemar_chi2(b: int, c: int, correct: bool) -> tuple[float, float]:
    """Asymptotic McNemar statistic and p, as R ``mcnemar.test(x, correct=...)``.

    ``(|b - c| - k)^2 / (b + c)`` on 1 df, ``k = 1`` with continuity correction (R applies
    it only when ``b != c``) else 0. No discordant pairs gives statistic 0 and p = 1.
    """
    m = b + c
    if m == 0:
        return 0.0, 1.0
    k = 1 if (correct and b != c) else 0
    stat = (abs(b - c) - k) ** 2 / m
    return float(stat), clip_p(stats.chi2.sf(stat, 1))


@dataclass(frozen=True)
class PairedBinaryResult(Result):
    """Result of :func:`paired_binary`.

    ``table`` is ``((a, b), (c, d))``: rows before yes/no, columns after yes/no. So ``b``
    pairs went yes -> no and ``c`` went no -> yes. Differences are after - before.
    """

    table: tuple[tuple[int, int], tuple[int, int]]
    n_used: int
    n_dropped: int
    before_yes: int
    after_yes: int
    p_before: float
    p_before_ci: tuple[float, float]  #: Wilson 95 % CI
    p_after: float
    p_after_ci: tuple[float, float]  #: Wilson 95 % CI
    difference: float  #: p_after - p_before = (c - b) / n
    difference_ci: tuple[float, float]  #: Newcombe (1998) method 10, 95 %
    yes_to_no: int  #: b
    no_to_yes: int  #: c
    p_exact: float  #: exact McNemar (binomial on the discordant pairs)
    p_midp: float
    chi2: float  #: McNemar statistic without continuity correction
    p_asymptotic: float
    chi2_cc: float  #: with continuity correction (R's mcnemar.test default)
    p_asymptotic_cc: float
    odds_ratio: float | None  #: conditional OR c / b; None when infinite (b = 0) or undefined
    odds_ratio_ci: tuple[float, float | None] | None  #: exact; upper None = unbounded
    quoted_test: str  #: "exact" or "asymptotic_cc"
    p_quoted: float
    label: str | None
    method: str
    warnings: tuple[str, ...]

    def describe(self, lang: str = "id") -> str:
        n = self.n_used
        before = fmt_count_pct(self.before_yes, n, 1, lang)
        after = fmt_count_pct(self.after_yes, n, 1, lang)
        if self.label:
            subject = tr(lang, f"Proporsi {self.label}", f"The proportion {self.label}")
        else:
            subject = tr(lang, "Proporsi 'ya'", "The proportion of 'yes'")
        if self.after_yes > self.before_yes:
            verb = tr(lang, "naik dari", "rose from")
        elif self.after_yes < self.before_yes:
            verb = tr(lang, "turun dari", "fell from")
        else:
            verb = tr(lang, "tetap, dari", "stayed the same, from")
        ci = fmt_ci(*self.difference_ci, 1, lang, percent=True)
        diff = fmt_num(self.difference * 100, 1, lang)
        test = (
            tr(lang, "uji McNemar eksak", "exact McNemar test")
            if self.quoted_test == "exact"
            else tr(
                lang,
                "uji McNemar (khi-kuadrat dengan koreksi kontinuitas)",
                "McNemar test (chi-square with continuity correction)",
            )
        )
        text = tr(
            lang,
            f"{subject} {verb} {before} menjadi {after}; selisih {diff} poin persentase "
            f"({ci}); {test} {fmt_p(self.p_quoted, lang)}.",
            f"{subject} {verb} {before} to {after}; difference {diff} percentage points "
            f"({ci}); {test} {fmt_p(self.p_quoted, lang)}.",
        )
        if self.yes_to_no + self.no_to_yes == 0:
            text += tr(
                lang,
                " Tidak ada pasangan yang berubah, sehingga data tidak menunjukkan perubahan "
                "(p = 1).",
                " No pair changed, so the data show no change (p = 1).",
            )
        dropped = plural_dropped(self.n_dropped, lang)
        return f"{text} {dropped}" if dropped else text


def paired_binary_from_counts(
    a: int, b: int, c: int, d: int, *, n_dropped: int = 0, label: str | None = None
) -> PairedBinaryResult:
    """:func:`paired_binary` from the four cells (rows before yes/no x columns after yes/no)."""
    n = a + b + c + d
    before_yes, after_yes = a + b, a + c
    p_exact = mcnemar_exact_p(b, c)
    chi2, p_asym = mcnemar_chi2(b, c, correct=False)
    chi2_cc, p_asym_cc = mcnemar_chi2(b, c, correct=True)
    m = b + c
    warnings = []
    if m == 0:
        warnings.append("no discordant pairs: every McNemar p is 1 and no change is shown")
        odds_ratio, or_ci = None, None
    else:
        lo, hi = clopper_pearson(c, m)
        odds_ratio = None if b == 0 else c / b
        or_ci = (lo / (1 - lo), None if hi >= 1 else hi / (1 - hi))
        if b == 0:
            warnings.append("no pair went from yes to no: the conditional odds ratio is infinite")
    if n < 20:
        warnings.append(f"small sample (n = {n}): intervals are wide")
    if n_dropped:
        warnings.append(f"{n_dropped} pair(s) with a missing value dropped")
    quoted = "exact" if m < EXACT_BELOW else "asymptotic_cc"
    return PairedBinaryResult(
        table=((a, b), (c, d)),
        n_used=n,
        n_dropped=n_dropped,
        before_yes=before_yes,
        after_yes=after_yes,
        p_before=before_yes / n,
        p_before_ci=wilson_ci(before_yes, n),
        p_after=after_yes / n,
        p_after_ci=wilson_ci(after_yes, n),
        difference=(c - b) / n,
        difference_ci=newcombe_paired_ci(a, b, c, d),
        yes_to_no=b,
        no_to_yes=c,
        p_exact=p_exact,
        p_midp=mcnemar_midp(b, c),
        chi2=chi2,
        p_asymptotic=p_asym,
        chi2_cc=chi2_cc,
        p_asymptotic_cc=p_asym_cc,
        odds_ratio=odds_ratio,
        odds_ratio_ci=or_ci,
        quoted_test=quoted,
        p_quoted=p_exact if quoted == "exact" else p_asym_cc,
        label=label,
        method=(
            "McNemar: exact two-sided binomial on the discordant pairs (quoted when fewer than "
            f"{EXACT_BELOW}, as SPSS), mid-p, chi-square with and without continuity "
            "correction; Wilson 95% CIs for each proportion; Newcombe (1998) method 10 CI for "
            "the paired difference; conditional odds ratio c/b with exact (Clopper-Pearson) CI"
        ),
        warnings=tuple(warnings),
    )


def paired_binary(
    before: Sequence[Any] | np.ndarray,
    after: Sequence[Any] | np.ndarray,
    *,
    label: str | None = None,
) -> PairedBinaryResult:
    """Compare a yes/no outcome measured twice on the same people.

    Matches R ``mcnemar.test`` (asymptotic, ``correct = TRUE/FALSE``), ``binom.test`` on
    the discordant pairs (exact), ``prop.test(correct = FALSE)`` (Wilson CIs) and
    ``contingencytables::Newcombe_square_and_add_CI_paired_2x2`` (difference CI).

    Parameters
    ----------
    before, after : sequence of bool or None, or numpy array
        One entry per person, same length. True/False (or 1/0); ``None`` (or NaN in a float
        array) is missing and its pair is dropped and counted in ``n_dropped``.
    label : str, optional
        What "yes" means, for :meth:`~PairedBinaryResult.describe` (e.g.
        ``"ibu dengan ASI lancar"``).

    Returns
    -------
    PairedBinaryResult

    Notes
    -----
    With ``b`` = yes->no and ``c`` = no->yes pairs, the exact p is
    ``min(1, 2 P(X <= min(b, c)))`` for ``X ~ Bin(b + c, 1/2)``; the chi-square statistic
    is ``(|b - c| - 1)^2 / (b + c)`` with continuity correction. With no discordant pairs
    all p are 1 (statsmodels' ``mcnemar`` wrongly gives 0 there) and a warning says so.
    The exact p is quoted when ``b + c < 25``, else the continuity-corrected one.
    The conditional odds ratio ``c / b`` has the exact CI ``L/(1-L), U/(1-U)`` from the
    Clopper-Pearson interval ``(L, U)`` for ``c / (b + c)``.

    Missing data: complete pairs only. Raises StatisticsError for unequal lengths, values
    other than True/False/1/0/None, or fewer than two complete pairs.
    """
    b_arr = as_1d(before, "before")
    a_arr = as_1d(after, "after")
    check_same_length(b_arr, a_arr)
    bv, bm = binary_values(b_arr, "before")
    av, am = binary_values(a_arr, "after")
    keep, n_dropped = complete_pairs(bm, am)
    if n_dropped:
        bv, av = bv[keep], av[keep]
    # cell index 2 * before + after: 3 = yes/yes, 2 = yes/no, 1 = no/yes, 0 = no/no
    idx = bv.view(np.uint8) << 1
    idx |= av.view(np.uint8)
    d, c, b, a = (int(v) for v in np.bincount(idx, minlength=4))
    return paired_binary_from_counts(a, b, c, d, n_dropped=n_dropped, label=label)
