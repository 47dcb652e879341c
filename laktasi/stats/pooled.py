"""Evidence across programs: per-program effect sizes and their pooling (meta-analysis).

Each program contributes one effect ``yi`` with its sampling variance ``vi`` computed from its
own pre/post pairs; the effects are pooled with a fixed-effect or random-effects model, and
their differences explained by one program characteristic (meta-regression). Every function
matches R's metafor (Viechtbauer 2010) to rounding error.

References
----------
Viechtbauer W (2010). Conducting meta-analyses in R with the metafor package. J Stat Softw
36(3):1-48. Viechtbauer W (2005). Bias and efficiency of meta-analytic variance estimators in
the random-effects model. J Educ Behav Stat 30:261-293 (REML by Fisher scoring).
DerSimonian R, Laird N (1986). Control Clin Trials 7:177-188.
Knapp G, Hartung J (2003). Stat Med 22:2693-2710.
Higgins JPT, Thompson SG (2002). Quantifying heterogeneity. Stat Med 21:1539-1558.
Riley RD, Higgins JPT, Deeks JJ (2011). Interpretation of random effects meta-analyses. BMJ
342:d549 (prediction interval).
Zou GY (2007). One relative risk versus two odds ratios... (paired 2x2 measures, see metafor
``escalc`` help for MPRD and MPORC).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from laktasi.stats import _metafit
from laktasi.stats._common import Result, as_1d, check_same_length, clip_p, numeric_values
from laktasi.stats.effectsizes import (
    EffectSize,
    ilogit,
    paired_log_odds_ratio,
    paired_mean_change,
    paired_risk_difference,
    proportion_logit,
)
from laktasi.stats.errors import StatisticsError
from laktasi.stats.formatting import fmt_ci, fmt_num, fmt_p, tr

__all__ = [
    "BackTransformed",
    "Coefficient",
    "EffectSize",
    "MetaRegressionResult",
    "PooledResult",
    "back_transform",
    "ilogit",
    "meta_regression",
    "paired_log_odds_ratio",
    "paired_mean_change",
    "paired_risk_difference",
    "proportion_logit",
    "random_effects",
]

METHODS = ("REML", "DL", "FE")
TESTS = ("knha", "z")
STEPADJ_WARNING = (
    "REML's Fisher scoring oscillated and was rerun with half steps "
    "(metafor: control = list(stepadj = 0.5))"
)
#: Fewer programs than this: the between-program variance is poorly estimated.
FEW_PROGRAMS = 5


# --------------------------------------------------------------------------- pooling


def _check_method(method: str, test: str) -> None:
    if method not in METHODS:
        raise StatisticsError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    if test not in TESTS:
        raise StatisticsError(f"test must be 'knha' or 'z', not {test!r}")


def _effects(yi: Any, vi: Any) -> tuple[np.ndarray, np.ndarray]:
    y_arr, v_arr = as_1d(yi, "yi"), as_1d(vi, "vi")
    check_same_length(y_arr, v_arr, ("yi", "vi"))
    y, ym = numeric_values(y_arr, "yi")
    v, vm = numeric_values(v_arr, "vi")
    if (ym | vm).any():
        i = int(np.flatnonzero(ym | vm)[0])
        raise StatisticsError(f"program {i + 1} has no effect or no variance: leave it out")
    if (v <= 0).any():
        i = int(np.flatnonzero(v <= 0)[0])
        raise StatisticsError(f"vi[{i}] = {v[i]!r}: a sampling variance must be greater than 0")
    if y.shape[0] < 2:
        raise StatisticsError(
            "only one program: pooling needs at least two programs (report its own result)"
        )
    return y, v


@dataclass(frozen=True)
class PooledResult(Result):
    """Result of :func:`random_effects` (metafor ``rma`` + ``predict``)."""

    k: int
    method: str  #: "REML", "DL" or "FE"
    test: str  #: "knha" (t on k - 1 df) or "z"
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    statistic: float | None  #: z or t; None when se = 0
    df: int | None  #: t degrees of freedom (None for z)
    pvalue: float
    tau2: float
    tau: float
    i2: float  #: percent
    h2: float
    q: float  #: Cochran's Q (QE)
    q_df: int
    q_pvalue: float
    pi_low: float  #: 95 % prediction interval (predict.rma)
    pi_high: float
    weights: tuple[float, ...]  #: percent, in input order
    iterations: int
    warnings: tuple[str, ...]

    def describe(self, lang: str = "id") -> str:
        est = fmt_num(self.estimate, 3, lang)
        ci = fmt_ci(self.ci_low, self.ci_high, 3, lang)
        pi = fmt_ci(self.pi_low, self.pi_high, 3, lang)
        i2 = fmt_num(self.i2, 0, lang)
        return tr(
            lang,
            f"Efek gabungan dari {self.k} program {est} ({ci}), {fmt_p(self.pvalue, lang)}; "
            f"I² {i2} %, tau² {fmt_num(self.tau2, 4, lang)}; program baru diperkirakan "
            f"memberi efek antara {pi.removeprefix('IK 95 % ')} (interval prediksi 95 %).",
            f"Pooled effect of {self.k} programs {est} ({ci}), {fmt_p(self.pvalue, lang)}; "
            f"I² {i2}%, tau² {fmt_num(self.tau2, 4, lang)}; a new program is expected to "
            f"have an effect of {pi.removeprefix('95% CI ')} (95% prediction interval).",
        )


def _interval_crit(test: str, df: int) -> float:
    return float(stats.t.ppf(0.975, df)) if test == "knha" else float(stats.norm.ppf(0.975))


def _p_value(stat: float, test: str, df: int) -> float:
    if test == "knha":
        return clip_p(2 * stats.t.sf(abs(stat), df))
    return clip_p(2 * stats.norm.sf(abs(stat)))


def _heterogeneity(
    y: np.ndarray, v: np.ndarray, x: np.ndarray, method: str, tau2: float
) -> tuple[float, float, float]:
    """(QE, I², H²) as metafor prints them for this method."""
    k, m = x.shape
    q = _metafit.residual_q(y, v, x)
    if method == "FE":
        i2 = max(0.0, 100 * (q - (k - m)) / q) if q > 0 else 0.0
        return q, i2, q / (k - m)
    vt = _metafit.typical_variance(v, x)
    return q, 100 * tau2 / (vt + tau2), tau2 / vt + 1


@dataclass(frozen=True)
class BackTransformed(Result):
    """A pooled logit proportion back on the proportion scale (0..1)."""

    estimate: float
    ci_low: float
    ci_high: float
    pi_low: float | None  #: None for a fixed-effect model (predict gives no PI there)
    pi_high: float | None


def back_transform(result: PooledResult) -> BackTransformed:
    """The pooled estimate, CI and prediction interval through the inverse logit.

    Matches metafor ``predict(rma(...), transf = transf.ilogit)`` (``pred``, ``ci.lb``,
    ``ci.ub``, ``pi.lb``, ``pi.ub``) for effects made by ``escalc(measure = "PLO")``.
    """
    fe = result.method == "FE"
    return BackTransformed(
        estimate=ilogit(result.estimate),
        ci_low=ilogit(result.ci_low),
        ci_high=ilogit(result.ci_high),
        pi_low=None if fe else ilogit(result.pi_low),
        pi_high=None if fe else ilogit(result.pi_high),
    )


def random_effects(
    yi: Sequence[float] | np.ndarray,
    vi: Sequence[float] | np.ndarray,
    method: str = "REML",
    test: str = "knha",
) -> PooledResult:
    """Pool per-program effects: metafor ``predict(rma(yi, vi, method = method, test = test))``.

    Parameters
    ----------
    yi, vi : effects and their sampling variances (vi > 0), one per program, k >= 2.
    method : "REML" (Fisher scoring, metafor's steps and defaults), "DL" or "FE".
    test : "knha" (Knapp-Hartung: t on k - 1 df, s² not truncated, metafor's default) or "z".

    Notes
    -----
    Weights ``wi = 1 / (vi + tau²)``; estimate ``Σ wi yi / Σ wi``. With Knapp-Hartung the
    variance is multiplied by ``s² = Σ wi (yi - μ)² / (k - 1)``. The prediction interval is
    ``μ ± crit √(se² + tau²)`` with crit from t(k - 1) for "knha" and the normal for "z".
    I² and H² for REML/DL use metafor's typical within-study variance ``(k - 1) / tr(P)``;
    for FE they come from Q: ``I² = max(0, (Q - (k - 1)) / Q)``, ``H² = Q / (k - 1)``.
    Raises StatisticsError for fewer than two programs, vi <= 0 or a missing value.
    """
    _check_method(method, test)
    y, v = _effects(yi, vi)
    k = y.shape[0]
    x = np.ones((k, 1))
    fitted = _metafit.fit(y, v, x, method)
    tau2 = fitted.tau2
    vb = float(fitted.vb[0, 0])
    warnings = []
    if test == "knha":
        vb *= _metafit.knha_scale(y, v, x, tau2)
    se = math.sqrt(max(vb, 0.0))
    est = float(fitted.beta[0])
    df = k - 1
    crit = _interval_crit(test, df)
    if se > 0:
        stat: float | None = est / se
        pvalue = _p_value(est / se, test, df)
    else:
        stat, pvalue = None, 0.0 if est != 0 else 1.0
        warnings.append(
            "every program has the same effect: the Knapp-Hartung standard error is 0; "
            "use test='z' for an interval"
        )
    if fitted.stepadj != 1.0:
        warnings.append(STEPADJ_WARNING)
    if method == "FE" and test == "knha":
        warnings.append("Knapp-Hartung is not meant for fixed-effect models (metafor warns too)")
    q, i2, h2 = _heterogeneity(y, v, x, method, tau2)
    w = 1.0 / (v + tau2)
    if k < FEW_PROGRAMS and method != "FE":
        warnings.append(f"only {k} programs: the between-program variance is very uncertain")
    pi_half = crit * math.sqrt(se**2 + tau2)
    return PooledResult(
        k=k,
        method=method,
        test=test,
        estimate=est,
        se=se,
        ci_low=est - crit * se,
        ci_high=est + crit * se,
        statistic=stat,
        df=df if test == "knha" else None,
        pvalue=pvalue,
        tau2=tau2,
        tau=math.sqrt(tau2),
        i2=i2,
        h2=h2,
        q=q,
        q_df=df,
        q_pvalue=clip_p(stats.chi2.sf(q, df)),
        pi_low=est - pi_half,
        pi_high=est + pi_half,
        weights=tuple(float(p) for p in 100 * w / w.sum()),
        iterations=fitted.iterations,
        warnings=tuple(warnings),
    )


# --------------------------------------------------------------------------- meta-regression


@dataclass(frozen=True)
class Coefficient:
    """One coefficient of a meta-regression (metafor's ``coef(summary(res))`` row)."""

    name: str
    estimate: float
    se: float
    statistic: float | None
    pvalue: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class MetaRegressionResult(Result):
    """Result of :func:`meta_regression` (metafor ``rma(yi, vi, mods = ~ x)``)."""

    k: int
    method: str
    test: str
    moderator_kind: str  #: "numeric" or "categorical"
    levels: tuple[str, ...]  #: categorical: reference level first; numeric: ()
    coefficients: tuple[Coefficient, ...]
    qm: float  #: moderator test: Wald chi² ("z") or F ("knha")
    qm_df: int
    qm_df2: int | None  #: denominator df of the F test (knha)
    qm_pvalue: float
    tau2: float  #: residual between-program variance
    i2: float  #: residual I² (percent)
    h2: float
    r2: float | None  #: percent of tau² explained (pseudo R²); None if not computed
    qe: float  #: residual heterogeneity
    qe_df: int
    qe_pvalue: float
    warnings: tuple[str, ...]

    def describe(self, lang: str = "id") -> str:
        test = "F" if self.test == "knha" else "QM"
        r2 = (
            tr(lang, f"; menjelaskan {fmt_num(self.r2, 0, lang)} % variasi antarprogram",
               f"; it explains {fmt_num(self.r2, 0, lang)}% of the between-program variance")
            if self.r2 is not None
            else ""
        )  # fmt: skip
        return tr(
            lang,
            f"Uji moderator {test} = {fmt_num(self.qm, 2, lang)}, {fmt_p(self.qm_pvalue, lang)}"
            f"{r2}; tau² sisa {fmt_num(self.tau2, 4, lang)} ({self.k} program).",
            f"Moderator test {test} = {fmt_num(self.qm, 2, lang)}, {fmt_p(self.qm_pvalue, lang)}"
            f"{r2}; residual tau² {fmt_num(self.tau2, 4, lang)} ({self.k} programs).",
        )


def _design(x: Any, k: int) -> tuple[np.ndarray, str, tuple[str, ...], tuple[str, ...]]:
    """Model matrix as R's ``model.matrix(~ x)``: numbers as is, text as treatment dummies
    with the alphabetically first level as reference (R's ``factor`` default)."""
    values = list(x)
    if len(values) != k:
        raise StatisticsError(f"the moderator has {len(values)} values for {k} programs")
    missing = [i for i, value in enumerate(values) if value is None or value != value]
    if missing:
        raise StatisticsError(
            f"program {missing[0] + 1} has no value for the moderator: leave it out or fill it in"
        )
    if all(isinstance(value, str) for value in values):
        levels = tuple(sorted(set(values)))
        if len(levels) < 2:
            raise StatisticsError("the moderator has one category only: nothing to compare")
        cols = [np.ones(k)] + [np.array([v == lev for v in values], float) for lev in levels[1:]]
        names = ("intercept", *(f"x{lev}" for lev in levels[1:]))
        return np.column_stack(cols), "categorical", levels, names
    if any(isinstance(v, (str, bool, np.bool_)) for v in values):
        raise StatisticsError("the moderator must be all numbers or all categories, not a mix")
    num, _miss = numeric_values(as_1d(values, "x"), "x")
    if float(np.ptp(num)) == 0:
        raise StatisticsError("the moderator has the same value in every program")
    return np.column_stack([np.ones(k), num]), "numeric", (), ("intercept", "x")


def _coefficients(
    beta: np.ndarray, vb: np.ndarray, names: Sequence[str], test: str, df: int
) -> tuple[Coefficient, ...]:
    crit = _interval_crit(test, df)
    out = []
    for i, name in enumerate(names):
        est, se = float(beta[i]), math.sqrt(max(float(vb[i, i]), 0.0))
        stat = est / se if se > 0 else None
        p = _p_value(stat, test, df) if stat is not None else (0.0 if est else 1.0)
        out.append(Coefficient(name, est, se, stat, p, est - crit * se, est + crit * se))
    return tuple(out)


def _moderator_test(
    beta: np.ndarray, vb: np.ndarray, test: str, df: int
) -> tuple[float, int, float]:
    m = beta.shape[0] - 1
    b = beta[1:]
    try:
        qm = float(b @ np.linalg.solve(vb[1:, 1:], b))
    except np.linalg.LinAlgError as exc:
        raise StatisticsError("the moderator test cannot be computed (no residual spread)") from exc
    if test == "knha":
        qm /= m
        return qm, m, clip_p(stats.f.sf(qm, m, df))
    return qm, m, clip_p(stats.chi2.sf(qm, m))


def _r2(y: np.ndarray, v: np.ndarray, x: np.ndarray, method: str, tau2: float) -> float | None:
    if method == "FE":
        return 0.0 if float(np.var(y)) == 0 else max(0.0, 100 * _metafit.weighted_adj_r2(y, v, x))
    tau2_re = _metafit.fit(y, v, np.ones((y.shape[0], 1)), method).tau2
    if tau2_re == 0:
        return 0.0
    return max(0.0, 100 * (tau2_re - tau2) / tau2_re)


def meta_regression(
    yi: Sequence[float] | np.ndarray,
    vi: Sequence[float] | np.ndarray,
    x: Sequence[Any],
    method: str = "REML",
    test: str = "knha",
) -> MetaRegressionResult:
    """Explain differences between programs by one characteristic.

    Matches metafor ``rma(yi, vi, mods = ~ x, method = method, test = test)``: numbers enter
    as a slope, text as categories with the alphabetically first as reference. The moderator
    test is metafor's QM (Wald chi² on m df) or, with Knapp-Hartung, QM/m against
    F(m, k - p). R² is metafor's default pseudo-R², ``max(0, (tau²_0 - tau²) / tau²_0)``
    against the model without the moderator (0 when tau²_0 = 0); for FE it is the adjusted
    R² of the weighted regression.

    Raises StatisticsError for fewer than two programs, too few programs for the number of
    coefficients (k must exceed them), a missing moderator value or a constant moderator.
    """
    _check_method(method, test)
    y, v = _effects(yi, vi)
    k = y.shape[0]
    design, kind, levels, names = _design(x, k)
    p = design.shape[1]
    if k <= p:
        raise StatisticsError(
            f"{k} programs cannot estimate {p} coefficients and their uncertainty: "
            f"at least {p + 1} are needed"
        )
    fitted = _metafit.fit(y, v, design, method)
    vb = fitted.vb
    if test == "knha":
        vb = vb * _metafit.knha_scale(y, v, design, fitted.tau2)
    df = k - p
    qm, qm_df, qm_p = _moderator_test(fitted.beta, vb, test, df)
    qe, i2, h2 = _heterogeneity(y, v, design, method, fitted.tau2)
    warnings = [STEPADJ_WARNING] if fitted.stepadj != 1.0 else []
    if k < 10:
        warnings.append(f"only {k} programs: a meta-regression this small is exploratory")
    return MetaRegressionResult(
        k=k,
        method=method,
        test=test,
        moderator_kind=kind,
        levels=levels,
        coefficients=_coefficients(fitted.beta, vb, names, test, df),
        qm=qm,
        qm_df=qm_df,
        qm_df2=df if test == "knha" else None,
        qm_pvalue=qm_p,
        tau2=fitted.tau2,
        i2=i2,
        h2=h2,
        r2=_r2(y, v, design, method, fitted.tau2),
        qe=qe,
        qe_df=df,
        qe_pvalue=clip_p(stats.chi2.sf(qe, df)),
        warnings=tuple(warnings),
    )
