"""One-stage check of a pooled mean change: a linear mixed model on the individual pairs.

The two-stage analysis (:mod:`laktasi.stats.pooled`) reduces each program to one mean change
and its variance; the one-stage model fits every mother's paired difference at once with a
random intercept per program. When both agree, the pooled figure does not depend on the
two-stage approximation (Burke, Ensor, Riley 2017, Stat Med 36:855-875).
"""

from __future__ import annotations

import math
import warnings as pywarnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats as sps

from laktasi.stats._common import Result, as_1d, check_same_length, numeric_values
from laktasi.stats.errors import StatisticsError
from laktasi.stats.formatting import fmt_ci, fmt_num, tr


@dataclass(frozen=True)
class OneStageResult(Result):
    """Result of :func:`one_stage_mean_change` (R: ``lmer(d ~ 1 + (1 | program))``)."""

    k: int  #: programs
    n: int  #: pairs
    estimate: float  #: pooled mean change
    se: float
    ci_low: float  #: Wald 95 % interval (normal), as ``confint(method = "Wald")``
    ci_high: float
    tau2: float  #: between-program variance of the mean change
    sigma2: float  #: within-program (residual) variance of the differences
    converged: bool
    warnings: tuple[str, ...]

    def describe(self, lang: str = "id") -> str:
        ci = fmt_ci(self.ci_low, self.ci_high, 2, lang)
        return tr(
            lang,
            f"Model campuran satu tahap ({self.n} pasangan, {self.k} program): perubahan "
            f"rata-rata {fmt_num(self.estimate, 2, lang)} ({ci}), tau² "
            f"{fmt_num(self.tau2, 3, lang)}.",
            f"One-stage mixed model ({self.n} pairs, {self.k} programs): mean change "
            f"{fmt_num(self.estimate, 2, lang)} ({ci}), tau² {fmt_num(self.tau2, 3, lang)}.",
        )


def one_stage_mean_change(
    program: Sequence[Any] | np.ndarray, difference: Sequence[Any] | np.ndarray
) -> OneStageResult:
    """Pooled mean change from individual paired differences with a random program intercept.

    Matches R ``lme4::lmer(d ~ 1 + (1 | program), REML = TRUE)`` (fixed effect, its SE and the
    two variance components) to optimiser precision (about 1e-5 relative); fitted with
    statsmodels ``MixedLM`` (REML). ``program`` labels each pair; ``difference`` is
    after - before. Missing differences are left out (complete pairs, as each report).
    Raises StatisticsError for fewer than two programs or fewer than three pairs.
    """
    # statsmodels is imported here: it takes a second to load and only this check needs it
    from statsmodels.regression.mixed_linear_model import MixedLM  # noqa: PLC0415

    g_arr, d_arr = as_1d(program, "program"), as_1d(difference, "difference")
    check_same_length(g_arr, d_arr, ("program", "difference"))
    d, miss = numeric_values(d_arr, "difference")
    groups = np.asarray([str(g) for g in g_arr])[~miss]
    d = d[~miss]
    k = len(set(groups.tolist()))
    if k < 2:
        raise StatisticsError("only one program: a random program effect needs at least two")
    if d.shape[0] < 3:
        raise StatisticsError("fewer than three pairs: the mixed model cannot be fitted")
    notes: list[str] = []
    with pywarnings.catch_warnings(record=True) as caught:
        pywarnings.simplefilter("always")
        model = MixedLM(d, np.ones((d.shape[0], 1)), groups)
        fit = model.fit(reml=True, method=["lbfgs", "bfgs", "nm"])
    if any("boundary" in str(w.message).lower() for w in caught):
        notes.append("the between-program variance is at 0 (boundary of the parameter space)")
    tau2 = max(0.0, float(np.asarray(fit.cov_re)[0, 0]))
    sigma2 = float(fit.scale)
    # GLS at the REML variances, as lme4's vcov(): the information of the intercept is
    # sum_j n_j / (sigma2 + n_j tau2) (statsmodels' bse_fe uses the full Hessian instead)
    _labels, index = np.unique(groups, return_inverse=True)
    n_j = np.bincount(index).astype(float)
    sums = np.bincount(index, weights=d)
    info = float(np.sum(n_j / (sigma2 + n_j * tau2)))
    estimate = float(np.sum(sums / (sigma2 + n_j * tau2)) / info)
    se = 1.0 / math.sqrt(info)
    z = float(sps.norm.ppf(0.975))
    if not math.isfinite(se):
        raise StatisticsError("the mixed model did not give a standard error")
    return OneStageResult(
        k=k,
        n=int(d.shape[0]),
        estimate=estimate,
        se=se,
        ci_low=estimate - z * se,
        ci_high=estimate + z * se,
        tau2=tau2,
        sigma2=sigma2,
        converged=bool(fit.converged),
        warnings=tuple(notes),
    )
