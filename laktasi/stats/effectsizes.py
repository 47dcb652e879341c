"""Per-program effect sizes from paired data, as metafor's ``escalc``.

Re-exported by :mod:`laktasi.stats.pooled`, which pools them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from laktasi.stats._common import (
    Z95,
    Result,
    as_1d,
    check_same_length,
    complete_pairs,
    count_value,
    numeric_values,
)
from laktasi.stats.errors import StatisticsError
from laktasi.stats.formatting import fmt_ci, fmt_num, tr

# --------------------------------------------------------------------------- effect sizes


@dataclass(frozen=True)
class EffectSize(Result):
    """One program's effect: ``yi`` (after - before) and its sampling variance ``vi``."""

    yi: float
    vi: float
    n: int  #: complete pairs used
    measure: str  #: metafor's name: "MC", "MPRD" or "MPORC"
    warnings: tuple[str, ...] = ()

    @property
    def se(self) -> float:
        return math.sqrt(self.vi)

    @property
    def ci_low(self) -> float:
        """Lower end of the 95 % Wald interval (metafor ``summary(escalc(...))``)."""
        return self.yi - Z95 * self.se

    @property
    def ci_high(self) -> float:
        return self.yi + Z95 * self.se

    def describe(self, lang: str = "id") -> str:
        lo, hi = self.ci_low, self.ci_high
        return tr(
            lang,
            f"Efek {fmt_num(self.yi, 3, lang)} ({fmt_ci(lo, hi, 3, lang)}) dari {self.n} pasangan.",
            f"Effect {fmt_num(self.yi, 3, lang)} ({fmt_ci(lo, hi, 3, lang)}) from {self.n} pairs.",
        )


def paired_mean_change(
    before: Sequence[Any] | np.ndarray, after: Sequence[Any] | np.ndarray
) -> EffectSize:
    """Mean change of a score within the same people, and its variance.

    Matches metafor ``escalc(measure = "MC", m1i = mean(after), m2i = mean(before),
    sd1i = sd(after), sd2i = sd(before), ni = n, ri = cor(after, before))``:
    ``yi = mean(after - before)`` and ``vi = var(after - before) / n`` (sample variance,
    divisor n - 1; the observed correlation makes the two formulas identical).

    Missing data: complete pairs only (as the program's own report). Raises StatisticsError
    for fewer than two complete pairs, and when every difference is the same (``vi = 0``
    would give the program infinite weight).
    """
    b_arr, a_arr = as_1d(before, "before"), as_1d(after, "after")
    check_same_length(b_arr, a_arr)
    bv, bm = numeric_values(b_arr, "before")
    av, am = numeric_values(a_arr, "after")
    keep, _dropped = complete_pairs(bm, am)
    d = av[keep] - bv[keep]
    n = int(d.shape[0])
    vi = float(np.var(d, ddof=1)) / n
    if not vi > 0:
        raise StatisticsError(
            "every pair changed by exactly the same amount: the variance of the mean change is "
            "0, so this program cannot be weighted"
        )
    return EffectSize(float(np.mean(d)), vi, n, "MC")


def _paired_counts(a: Any, b: Any, c: Any, d: Any) -> tuple[int, int, int, int, int]:
    counts = tuple(count_value(v, name) for v, name in zip((a, b, c, d), "abcd", strict=True))
    n = sum(counts)
    if n < 2:
        raise StatisticsError(f"only {n} complete pair(s): at least two are needed")
    return (counts[0], counts[1], counts[2], counts[3], n)


def paired_risk_difference(a: Any, b: Any, c: Any, d: Any) -> EffectSize:
    """Change in a yes/no proportion within the same people (after - before).

    The paired table has rows before yes/no and columns after yes/no: ``a`` yes → yes,
    ``b`` yes → no (worse), ``c`` no → yes (better), ``d`` no → no.
    Matches metafor ``escalc(measure = "MPRD", ai = a, bi = c, ci = b, di = d, add = 0)``
    (the after-measurement as metafor's first group): ``yi = (c - b) / n`` and
    ``vi = ((a + d)(b + c) + 4bc) / n³``. A difference needs no continuity correction.
    Raises StatisticsError when nobody changed (``vi = 0``).
    """
    a, b, c, d, n = _paired_counts(a, b, c, d)
    vi = ((a + d) * (b + c) + 4 * b * c) / n**3
    if vi <= 0:
        raise StatisticsError(
            "nobody changed between before and after: the variance of the difference is 0, "
            "so this program cannot be weighted"
        )
    return EffectSize((c - b) / n, vi, n, "MPRD")


def paired_log_odds_ratio(a: Any, b: Any, c: Any, d: Any) -> EffectSize:
    """Log of the conditional (McNemar) odds ratio: log(improved / worsened).

    Same table as :func:`paired_risk_difference`. Matches metafor
    ``escalc(measure = "MPORC", ai = a, bi = c, ci = b, di = d)`` with its defaults
    ``add = 1/2, to = "only0"``: when any of the four cells is 0, 1/2 is added to every
    cell (only the changed pairs enter the formula): ``yi = log(c / b)``,
    ``vi = 1/b + 1/c``. When nobody changed this gives ``yi = 0, vi = 4``, as metafor does.
    """
    a, b, c, d, n = _paired_counts(a, b, c, d)
    warnings: tuple[str, ...] = ()
    bb, cc = float(b), float(c)
    if 0 in (a, b, c, d):
        bb, cc = bb + 0.5, cc + 0.5
        warnings = ("1/2 was added to every cell of the paired table because one is 0",)
    return EffectSize(math.log(cc / bb), 1 / bb + 1 / cc, n, "MPORC", warnings)


# --------------------------------------------------------------------------- proportions


def proportion_logit(x: Any, n: Any) -> EffectSize:
    """A proportion ``x / n`` on the logit scale, and its variance, for pooling proportions.

    Matches metafor ``escalc(measure = "PLO", xi = x, ni = n)`` with its defaults
    ``add = 1/2, to = "only0"``: when ``x`` is 0 or ``n`` (a cell of the table x, n - x is 0),
    1/2 is added to ``x`` and to ``n - x``; then ``yi = log(x / (n - x))`` and
    ``vi = 1/x + 1/(n - x)``. Back-transform with :func:`ilogit` (metafor
    ``transf.ilogit``). Raises StatisticsError when ``n < 1`` or ``x`` is not in 0..n.
    """
    xi, ni = count_value(x, "x"), count_value(n, "n")
    if ni < 1:
        raise StatisticsError("no observations (n = 0): a proportion needs at least one")
    if xi > ni:
        raise StatisticsError(f"x = {xi} is larger than n = {ni}")
    events, rest = float(xi), float(ni - xi)
    warnings: tuple[str, ...] = ()
    if xi in (0, ni):
        events, rest = events + 0.5, rest + 0.5
        warnings = ("1/2 was added to x and n - x because the proportion is 0 or 1",)
    return EffectSize(math.log(events / rest), 1 / events + 1 / rest, ni, "PLO", warnings)


def ilogit(value: float) -> float:
    """Inverse logit ``exp(x) / (1 + exp(x))``: metafor ``transf.ilogit`` (R ``plogis``)."""
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value))
    e = math.exp(value)
    return e / (1.0 + e)
