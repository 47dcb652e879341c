"""Paired numeric scores before and after (e.g. a knowledge score 0-100).

References
----------
Student (1908). The probable error of a mean. Biometrika 6:1-25.
Shapiro SS, Wilk MB (1965). Biometrika 52:591-611; Royston P (1995). Algorithm AS R94.
Lakens D (2013). Calculating and reporting effect sizes. Front Psychol 4:863 (Cohen's dz).
Kerby DS (2014). Comprehensive Psychology 3:11.IT.3.1 (rank-biserial).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from laktasi.stats._common import (
    Result,
    as_1d,
    check_same_length,
    clip_p,
    complete_pairs,
    numeric_values,
    plural_dropped,
)
from laktasi.stats._signedrank import SignedRankTest, signed_rank_from_differences
from laktasi.stats.formatting import fmt_ci, fmt_num, fmt_p, tr

#: Shapiro-Wilk is defined for 3..5000 values (R's shapiro.test refuses more).
SHAPIRO_MAX = 5000


@dataclass(frozen=True)
class Summary:
    """Descriptive statistics of one side (R: mean, sd, quantile type 7, IQR)."""

    n: int
    mean: float
    sd: float  #: sample SD (divisor n - 1)
    median: float
    q1: float
    q3: float
    iqr: float


@dataclass(frozen=True)
class PairedScoresResult(Result):
    """Result of :func:`paired_scores`. Differences are after - before."""

    n_used: int
    n_dropped: int
    before: Summary
    after: Summary
    difference: Summary
    mean_difference: float
    mean_difference_ci: tuple[float, float] | None  #: t-based 95 %; None if SD of diffs is 0
    t: float | None
    df: int
    p_t: float | None  #: paired t-test p; None when every difference is the same
    wilcoxon: SignedRankTest
    cohen_dz: float | None  #: mean / SD of differences (ddof = 1); None if SD = 0
    rank_biserial: float | None
    shapiro_w: float | None  #: Shapiro-Wilk on the differences; None if not computed
    shapiro_p: float | None
    quoted_test: str  #: "paired_t" or "wilcoxon"
    p_quoted: float
    reason: str  #: why that test is quoted
    method: str
    warnings: tuple[str, ...]

    def describe(self, lang: str = "id") -> str:
        b, a = self.before, self.after
        sd = tr(lang, "SB", "SD")
        if self.mean_difference > 0:
            verb = tr(lang, "naik dari", "rose from")
        elif self.mean_difference < 0:
            verb = tr(lang, "turun dari", "fell from")
        else:
            verb = tr(lang, "tetap, dari", "stayed the same, from")
        text = tr(
            lang,
            f"Skor rata-rata {verb} {fmt_num(b.mean, 1, lang)} ({sd} {fmt_num(b.sd, 1, lang)}) "
            f"menjadi {fmt_num(a.mean, 1, lang)} ({sd} {fmt_num(a.sd, 1, lang)}) pada "
            f"{self.n_used} pasangan; selisih rata-rata {fmt_num(self.mean_difference, 1, lang)}",
            f"The mean score {verb} {fmt_num(b.mean, 1, lang)} ({sd} {fmt_num(b.sd, 1, lang)}) "
            f"to {fmt_num(a.mean, 1, lang)} ({sd} {fmt_num(a.sd, 1, lang)}) in {self.n_used} "
            f"pairs; mean difference {fmt_num(self.mean_difference, 1, lang)}",
        )
        if self.mean_difference_ci is not None:
            text += f" ({fmt_ci(*self.mean_difference_ci, 1, lang)})"
        if self.quoted_test == "paired_t":
            test = tr(lang, "uji t berpasangan", "paired t-test")
        else:
            test = tr(lang, "uji peringkat bertanda Wilcoxon", "Wilcoxon signed-rank test")
        text += f"; {test} {fmt_p(self.p_quoted, lang)}"
        if self.cohen_dz is not None:
            text += f"; Cohen's dz = {fmt_num(self.cohen_dz, 2, lang)}"
        text += ". " + self._reason_text(lang)
        dropped = plural_dropped(self.n_dropped, lang)
        return f"{text} {dropped}" if dropped else text

    def _reason_text(self, lang: str) -> str:
        if self.shapiro_p is not None:
            sw = fmt_p(self.shapiro_p, lang)
            if self.quoted_test == "paired_t":
                return tr(
                    lang,
                    f"Uji t dipakai karena selisih tidak menyimpang dari distribusi normal "
                    f"(Shapiro-Wilk {sw}).",
                    f"The t-test is quoted because the differences do not depart from "
                    f"normality (Shapiro-Wilk {sw}).",
                )
            return tr(
                lang,
                f"Uji Wilcoxon dipakai karena selisih tidak berdistribusi normal "
                f"(Shapiro-Wilk {sw}).",
                f"The Wilcoxon test is quoted because the differences are not normal "
                f"(Shapiro-Wilk {sw}).",
            )
        return tr(lang, "Alasan pemilihan uji: ", "Why this test: ") + self.reason + "."


def _quantiles_sorted(s: np.ndarray, probs: tuple[float, ...]) -> list[float]:
    """R's quantile type 7 (numpy's default "linear") on an already sorted array."""
    n = s.shape[0]
    out = []
    for p in probs:
        h = (n - 1) * p
        lo = int(np.floor(h))
        hi = min(lo + 1, n - 1)
        out.append(float(s[lo] + (h - lo) * (s[hi] - s[lo])))
    return out


def _summary(x: np.ndarray, presorted: bool = False) -> Summary:
    if presorted:
        q1, med, q3 = _quantiles_sorted(x, (0.25, 0.5, 0.75))
    else:
        q1, med, q3 = np.percentile(x, [25, 50, 75])
    mean = float(np.mean(x))
    sd = float(np.std(x, ddof=1)) if x.shape[0] > 1 else 0.0
    return Summary(int(x.shape[0]), mean, sd, float(med), float(q1), float(q3), float(q3 - q1))


def paired_scores(
    before: Sequence[Any] | np.ndarray, after: Sequence[Any] | np.ndarray
) -> PairedScoresResult:
    """Compare numeric scores measured twice on the same people.

    Matches R ``t.test(after, before, paired = TRUE)``, ``wilcox.test(after, before,
    paired = TRUE)`` (V = sum of positive ranks; exact when fewer than 50 non-zero
    differences without ties or zeros, else normal approximation with tie and continuity
    correction), ``shapiro.test(after - before)``, ``quantile(type = 7)`` and ``sd``.

    Parameters
    ----------
    before, after : sequence of numbers or None, or numpy array
        Same length; ``None`` (or NaN) is missing and the pair is dropped.

    Returns
    -------
    PairedScoresResult

    Notes
    -----
    ``t = mean(d) / (sd(d) / sqrt(n))`` on ``n - 1`` df; CI ``mean(d) ± t_{0.975} sd/sqrt(n)``.
    Cohen's ``dz = mean(d) / sd(d)`` with the sample SD (ddof = 1).
    Test quoted: the paired t-test when Shapiro-Wilk on the differences gives p >= 0.05,
    the Wilcoxon test when p < 0.05. Shapiro-Wilk is only run for 3 to 5000 pairs: with
    more than 5000 the t-test is quoted (the mean difference is close to normal by the
    central limit theorem); with fewer than 3, or when every difference is the same (t is
    undefined), the Wilcoxon test is quoted.

    Missing data: complete pairs only. Raises StatisticsError for unequal lengths,
    non-numbers, infinities and fewer than two complete pairs.
    """
    b_arr = as_1d(before, "before")
    a_arr = as_1d(after, "after")
    check_same_length(b_arr, a_arr)
    bv, bm = numeric_values(b_arr, "before")
    av, am = numeric_values(a_arr, "after")
    keep, n_dropped = complete_pairs(bm, am)
    if n_dropped:
        bv, av = bv[keep], av[keep]
    n = bv.shape[0]
    d = np.sort(av - bv)  # sorted once: quantiles and the signed-rank test reuse it
    sb, sa, sd_ = _summary(bv), _summary(av), _summary(d, presorted=True)
    mean_d, sd_d = sd_.mean, sd_.sd
    df = n - 1
    warnings: list[str] = []
    # a spread below rounding noise of the mean counts as constant (R: "essentially constant")
    constant = sd_d <= 10 * np.finfo(float).eps * max(abs(mean_d), 1.0)
    if constant:
        t_stat = p_t = ci = dz = None
        warnings.append("every difference is the same: the t-test and Cohen's dz are undefined")
    else:
        se = sd_d / math.sqrt(n)
        t_stat = mean_d / se
        p_t = clip_p(2 * stats.t.sf(abs(t_stat), df))
        half = float(stats.t.ppf(0.975, df)) * se
        ci = (mean_d - half, mean_d + half)
        dz = mean_d / sd_d
    wil = signed_rank_from_differences(d, presorted=True)

    shapiro_w = shapiro_p = None
    if constant:
        quoted, reason = "wilcoxon", "every difference is the same, so the t-test is undefined"
    elif n < 3:
        quoted = "wilcoxon"
        reason = "fewer than 3 pairs: normality cannot be checked"
        warnings.append("fewer than 3 pairs: normality cannot be checked")
    elif n > SHAPIRO_MAX:
        quoted = "paired_t"
        reason = (
            f"more than {SHAPIRO_MAX} pairs: Shapiro-Wilk is not run and the mean difference "
            "is close to normal (central limit theorem)"
        )
    else:
        res = stats.shapiro(d)
        shapiro_w, shapiro_p = float(res.statistic), clip_p(res.pvalue)
        if shapiro_p >= 0.05:
            quoted, reason = "paired_t", "Shapiro-Wilk p >= 0.05 on the differences"
        else:
            quoted, reason = "wilcoxon", "Shapiro-Wilk p < 0.05 on the differences"
    if n < 10:
        warnings.append(f"small sample (n = {n}): tests have little power")
    if n_dropped:
        warnings.append(f"{n_dropped} pair(s) with a missing value dropped")
    # "paired_t" is quoted only when the t-test is defined (p_t is not None)
    p_quoted = p_t if quoted == "paired_t" and p_t is not None else wil.p_value
    return PairedScoresResult(
        n_used=n,
        n_dropped=n_dropped,
        before=sb,
        after=sa,
        difference=sd_,
        mean_difference=mean_d,
        mean_difference_ci=ci,
        t=t_stat,
        df=df,
        p_t=p_t,
        wilcoxon=wil,
        cohen_dz=dz,
        rank_biserial=wil.rank_biserial,
        shapiro_w=shapiro_w,
        shapiro_p=shapiro_p,
        quoted_test=quoted,
        p_quoted=float(p_quoted),
        reason=reason,
        method=(
            "paired t-test with t-based 95% CI; Wilcoxon signed-rank as R (V = R+); Cohen's "
            "dz with SD (n - 1); Shapiro-Wilk on differences picks the test (t if p >= 0.05)"
        ),
        warnings=tuple(warnings),
    )
