"""Kaplan-Meier survival with log-log confidence intervals, and the log-rank test.

Used for "time until exclusive breastfeeding stopped" style follow-up data: ``durations``
are the follow-up times, ``events`` say whether the event (e.g. stopping) was seen
(True) or the person was censored (False).

References
----------
Kaplan EL, Meier P (1958). Nonparametric estimation from incomplete observations. JASA
53:457-481. Greenwood M (1926). The natural duration of cancer.
Kalbfleisch JD, Prentice RL (1980). The Statistical Analysis of Failure Time Data (log-log
interval). Brookmeyer R, Crowley J (1982). A confidence interval for the median survival
time. Biometrics 38:29-41. Mantel N (1966); Peto R, Peto J (1972): log-rank test.
Therneau TM. survival: R package (survfit, quantile.survfit, survdiff).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from laktasi.stats._common import (
    Z95,
    Result,
    as_1d,
    binary_values,
    check_same_length,
    clip_p,
    numeric_values,
    plural_dropped,
)
from laktasi.stats.errors import StatisticsError
from laktasi.stats.formatting import fmt_ci, fmt_num, fmt_p, tr

_TOL = math.sqrt(np.finfo(float).eps)


def _read(durations: Any, events: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    t_arr = as_1d(durations, "durations")
    e_arr = as_1d(events, "events")
    check_same_length(t_arr, e_arr, ("durations", "events"))
    t, tm = numeric_values(t_arr, "durations")
    e, em = binary_values(e_arr, "events")
    keep = ~(tm | em)
    n_dropped = int(keep.shape[0] - keep.sum())
    if not keep.any():
        raise StatisticsError("every observation has a missing duration or event")
    t, e = t[keep], e[keep]
    if (t < 0).any():
        raise StatisticsError("durations must not be negative")
    return t, e, keep, n_dropped


def _counts(counts: Any, n_rows: int) -> np.ndarray:
    """How many people each row stands for: whole numbers >= 1 (ones when None)."""
    if counts is None:
        return np.ones(n_rows, dtype=np.int64)
    c = np.asarray(counts, dtype=np.float64)
    if c.ndim != 1 or c.shape[0] != n_rows:
        raise StatisticsError("counts must have one value per observation")
    if not np.all(np.isfinite(c)) or np.any(c < 1) or np.any(c != np.round(c)):
        raise StatisticsError("counts must be whole numbers of at least 1")
    return c.astype(np.int64)


def _findq(x: np.ndarray, y: np.ndarray, p: float = 0.5) -> float | None:
    """survival:::findq: first time the failure curve ``y`` reaches ``p`` (NaN = NA)."""
    if np.all(np.isnan(y)) or np.nanmax(y) < p:
        return None
    xmax = x[-1]
    # duplicated(y) with NA == NA: keep the first occurrence of every value
    keys = np.where(np.isnan(y), np.inf, y)
    _, first = np.unique(keys, return_index=True)
    first.sort()
    x, y = x[first], y[first]
    n = y.shape[0]
    valid = ~np.isnan(y)
    yv, iv = y[valid], np.arange(n)[valid]

    def step(shift: float) -> int | None:
        # approx(y + shift, 1:n, p, method = "constant", f = 1)
        xs = yv + shift
        if p < xs[0] or p > xs[-1]:
            return None
        return int(iv[np.searchsorted(xs, p, side="left")])

    i1, i2 = step(_TOL), step(-_TOL)
    quant = None if i1 is None or i2 is None else (x[i1] + x[i2]) / 2
    if not np.isnan(y[-1]) and abs(p - y[-1]) < _TOL and i1 is not None:
        quant = (x[i1] + xmax) / 2
    return None if quant is None else float(quant)


@dataclass(frozen=True)
class SurvivalAt:
    """The curve at a requested time (R ``summary(fit, times = ...)``, extended)."""

    time: float
    n_risk: int
    n_event: int  #: events after the previous requested time, up to and including this one
    survival: float
    lower: float | None
    upper: float | None


@dataclass(frozen=True)
class KaplanMeierResult(Result):
    """Result of :func:`kaplan_meier`: one row per distinct time, as R's survfit object."""

    time: tuple[float, ...]
    n_risk: tuple[int, ...]
    n_event: tuple[int, ...]
    n_censor: tuple[int, ...]
    survival: tuple[float, ...]
    std_err: tuple[float | None, ...]  #: SE of -log S (Greenwood); None once S = 0
    lower: tuple[float | None, ...]  #: log-log 95 %; None where S is 1 or 0 (R gives NA)
    upper: tuple[float | None, ...]
    n_used: int
    n_events: int
    n_dropped: int
    median: float | None  #: None when the curve never reaches 0.5 (R: NA)
    median_ci: tuple[float | None, float | None]
    at_times: tuple[SurvivalAt, ...]
    conf_type: str
    method: str
    warnings: tuple[str, ...]

    def describe(self, lang: str = "id") -> str:
        text = tr(
            lang,
            f"Dari {self.n_used} orang, {self.n_events} mengalami kejadian.",
            f"Of {self.n_used} people, {self.n_events} had the event.",
        )
        if self.median is None:
            text += tr(
                lang,
                " Median waktu belum tercapai (lebih dari separuh belum mengalami kejadian).",
                " The median time was not reached (fewer than half had the event).",
            )
        else:
            lo, hi = self.median_ci
            text += tr(lang, " Median waktu ", " Median time ") + fmt_num(self.median, 1, lang)
            text += f" ({fmt_ci(lo, hi, 1, lang)})."
        for at in self.at_times:
            surv = fmt_num(at.survival * 100, 1, lang) + tr(lang, " %", "%")
            text += tr(
                lang,
                f" Pada waktu {fmt_num(at.time, 1, lang)}: {surv}",
                f" At time {fmt_num(at.time, 1, lang)}: {surv}",
            )
            if at.lower is not None and at.upper is not None:
                text += f" ({fmt_ci(at.lower, at.upper, 1, lang, percent=True)})"
            text += "."
        dropped = plural_dropped(self.n_dropped, lang)
        return f"{text} {dropped}" if dropped else text


def kaplan_meier(
    durations: Sequence[Any] | np.ndarray,
    events: Sequence[Any] | np.ndarray,
    times: Sequence[float] | None = None,
    counts: Sequence[int] | np.ndarray | None = None,
) -> KaplanMeierResult:
    """Kaplan-Meier estimate with log-log 95 % CI and the median with its CI.

    Matches R ``survfit(Surv(durations, events) ~ 1, conf.type = "log-log")`` (rows,
    ``std.err``, ``lower``, ``upper``), ``quantile(fit, 0.5)`` (median and its CI) and
    ``summary(fit, times = times, extend = TRUE)``.

    Parameters
    ----------
    durations : sequence of numbers
        Follow-up time of each person (>= 0); None/NaN missing.
    events : sequence of bool
        True if the event was observed at that time, False if censored; None missing.
    times : sequence of float, optional
        Increasing times at which to report the curve.
    counts : sequence of int, optional
        How many people each row stands for (aggregated rows, e.g. a dashboard's counts per
        duration): the result is the one of the rows repeated ``counts`` times, as R's
        ``survfit(..., weights = counts)`` with whole-number weights, without building them.

    Returns
    -------
    KaplanMeierResult

    Notes
    -----
    ``S(t) = prod (1 - d_i / n_i)``; Greenwood ``se(-log S) = sqrt(sum d_i / (n_i (n_i - d_i)))``;
    log-log limits ``S^exp(± 1.96 se / log S)``, undefined (None, as R's NA) where
    ``S`` is 1 or 0. The median is the first time ``S <= 0.5``, the midpoint to the next
    time when ``S`` is exactly 0.5 on an interval; its CI is where the upper and lower
    limit curves cross 0.5 (Brookmeyer-Crowley style, as survival:::quantile.survfit).
    An unreached median or limit is None (R: NA), never infinity. Times are compared
    exactly (R's ``timefix`` rounding of nearly equal times is not applied).
    """
    t, e, keep, n_dropped = _read(durations, events)
    c_all = _counts(counts, keep.shape[0])
    c = c_all[keep]
    n_dropped = int(c_all.sum() - c.sum())
    n = int(c.sum())
    ut, inv = np.unique(t, return_inverse=True)
    n_event = np.rint(np.bincount(inv, weights=e * c, minlength=ut.shape[0])).astype(np.int64)
    n_all = np.rint(np.bincount(inv, weights=c, minlength=ut.shape[0])).astype(np.int64)
    n_censor = n_all - n_event
    n_risk = n - np.concatenate(([0], np.cumsum(n_all)[:-1]))
    surv = np.cumprod(1.0 - n_event / n_risk)
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(n_event > 0, n_event / (n_risk * (n_risk - n_event)), 0.0)
    var = np.cumsum(term)
    se = np.sqrt(var)
    inside = (surv > 0) & (surv < 1)
    lower = np.full(ut.shape[0], np.nan)
    upper = np.full(ut.shape[0], np.nan)
    s_in = surv[inside]
    shift = Z95 * se[inside] / np.log(s_in)
    loglog = np.log(-np.log(s_in))
    lower[inside] = np.exp(-np.exp(loglog - shift))
    upper[inside] = np.exp(-np.exp(loglog + shift))

    x = np.concatenate(([0.0], ut))
    median = _findq(x, np.concatenate(([0.0], 1 - surv)))
    med_lo = _findq(x, np.concatenate(([0.0], 1 - lower)))
    med_hi = _findq(x, np.concatenate(([0.0], 1 - upper)))

    warnings = []
    at_rows = []
    if times is not None:
        req = np.asarray(list(times), dtype=np.float64)
        if req.ndim != 1 or req.size == 0 or not np.all(np.isfinite(req)):
            raise StatisticsError("times must be a non-empty list of finite numbers")
        if np.any(np.diff(req) <= 0) or req[0] < 0:
            raise StatisticsError("times must be increasing and not negative")
        last = -np.inf
        for tt in req:
            j = int(np.searchsorted(ut, tt, side="right")) - 1
            in_window = (t > last) & (t <= tt) & e
            at_rows.append(
                SurvivalAt(
                    time=float(tt),
                    n_risk=int(c[t >= tt].sum()),
                    n_event=int(c[in_window].sum()),
                    survival=1.0 if j < 0 else float(surv[j]),
                    # before the first time R reports the limits as 1; later NA stays None
                    lower=1.0 if j < 0 else None if np.isnan(lower[j]) else float(lower[j]),
                    upper=1.0 if j < 0 else None if np.isnan(upper[j]) else float(upper[j]),
                )
            )
            last = tt
        if req[-1] > ut[-1]:
            warnings.append("a requested time is after the last observation: estimate carried on")
    if not e.any():
        warnings.append("no events: the survival curve stays at 1")
    if n_dropped:
        warnings.append(f"{n_dropped} observation(s) with a missing value dropped")

    def opt(a: np.ndarray) -> tuple[float | None, ...]:
        return tuple(None if np.isnan(v) else float(v) for v in a)

    se_out = np.where(surv > 0, se, np.nan)
    return KaplanMeierResult(
        time=tuple(float(v) for v in ut),
        n_risk=tuple(int(v) for v in n_risk),
        n_event=tuple(int(v) for v in n_event),
        n_censor=tuple(int(v) for v in n_censor),
        survival=tuple(float(v) for v in surv),
        std_err=opt(se_out),
        lower=opt(lower),
        upper=opt(upper),
        n_used=n,
        n_events=int(c[e].sum()),
        n_dropped=n_dropped,
        median=median,
        median_ci=(med_lo, med_hi),
        at_times=tuple(at_rows),
        conf_type="log-log",
        method=(
            "Kaplan-Meier; Greenwood SE; log-log 95% CI (R survfit conf.type='log-log'); "
            "median and CI as survival:::quantile.survfit"
        ),
        warnings=tuple(warnings),
    )


@dataclass(frozen=True)
class LogrankResult(Result):
    """Result of :func:`logrank` (R ``survdiff``)."""

    groups: tuple[str, ...]
    n: tuple[int, ...]  #: people per group
    n_used: int
    observed: tuple[int, ...]
    expected: tuple[float, ...]
    chisq: float
    df: int
    p_value: float
    n_dropped: int
    method: str
    warnings: tuple[str, ...]

    def describe(self, lang: str = "id") -> str:
        parts = ", ".join(
            tr(
                lang,
                f"{g}: {o} kejadian (diharapkan {fmt_num(ex, 1, lang)})",
                f"{g}: {o} events ({fmt_num(ex, 1, lang)} expected)",
            )
            for g, o, ex in zip(self.groups, self.observed, self.expected, strict=True)
        )
        text = tr(
            lang,
            f"{parts}. Uji log-rank: khi-kuadrat = {fmt_num(self.chisq, 2, lang)}, "
            f"df = {self.df}, {fmt_p(self.p_value, lang)}.",
            f"{parts}. Log-rank test: chi-square = {fmt_num(self.chisq, 2, lang)}, "
            f"df = {self.df}, {fmt_p(self.p_value, lang)}.",
        )
        dropped = plural_dropped(self.n_dropped, lang)
        return f"{text} {dropped}" if dropped else text


def _sorted_with_counts(
    t: np.ndarray, c: np.ndarray, mask: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(t[mask], kind="stable")
    return t[mask][order], c[mask][order]


def logrank(
    durations: Sequence[Any] | np.ndarray,
    events: Sequence[Any] | np.ndarray,
    groups: Sequence[Any] | np.ndarray,
    counts: Sequence[int] | np.ndarray | None = None,
) -> LogrankResult:
    """Log-rank test comparing survival curves, as R ``survdiff(Surv(t, e) ~ g)`` (rho = 0).

    Parameters
    ----------
    durations, events : see :func:`kaplan_meier`.
    groups : sequence
        Group label of each person (None missing); at least two groups. Groups are ordered
        by sorted label, as R's factor levels.
    counts : sequence of int, optional
        How many people each row stands for (see :func:`kaplan_meier`); the result is the
        one of the repeated rows.

    Returns
    -------
    LogrankResult
        Per group n, observed and expected events; chi-square, df, p.

    Notes
    -----
    At each event time ``t`` with ``d`` events among ``n`` at risk (``n_g`` in group g):
    ``E_g = sum d n_g / n`` and
    ``V_gh = sum d (n - d)/(n - 1) (n_g / n)(delta_gh - n_h / n)``. The statistic is
    ``(O - E)' V^-1 (O - E)`` over the groups with ``E > 0`` less the first, on
    (number of such groups - 1) df, exactly survdiff's rule.
    """
    g_arr = as_1d(groups, "groups")
    t_all = as_1d(durations, "durations")
    check_same_length(t_all, g_arr, ("durations", "groups"))
    # numpy's stubs have no overload for a None operand; elementwise on an object array
    gm = np.equal(g_arr, None) if g_arr.dtype == object else np.zeros(g_arr.shape[0], bool)  # type: ignore[call-overload]
    if g_arr.dtype.kind == "f":
        gm = np.isnan(g_arr)
    t, e, keep, n_dropped = _read(durations, events)
    c_all = _counts(counts, keep.shape[0])
    keep_g = ~gm[keep]
    t, e, g = t[keep_g], e[keep_g], g_arr[keep][keep_g]
    c = c_all[keep][keep_g]
    n_dropped = int(c_all.sum() - c.sum())
    labels = list(dict.fromkeys(g.tolist()))
    with contextlib.suppress(TypeError):
        labels = sorted(labels)
    if len(labels) < 2:
        raise StatisticsError("logrank needs at least two groups")
    code = np.empty(g.shape[0], dtype=np.int64)
    for i, lab in enumerate(labels):
        code[g == lab] = i
    k = len(labels)
    event_times = np.unique(t[e])
    # at risk per group at each event time: count of durations >= t
    n_gt = np.empty((k, event_times.shape[0]))
    d_gt = np.empty((k, event_times.shape[0]))
    for i in range(k):
        tg, cg = _sorted_with_counts(t, c, code == i)
        total = np.concatenate(([0], np.cumsum(cg)))
        n_gt[i] = total[-1] - total[np.searchsorted(tg, event_times, side="left")]
        eg, ceg = _sorted_with_counts(t, c, (code == i) & e)
        events_upto = np.concatenate(([0], np.cumsum(ceg)))
        d_gt[i] = (events_upto[np.searchsorted(eg, event_times, "right")]
                   - events_upto[np.searchsorted(eg, event_times)])  # fmt: skip
    n_t = n_gt.sum(axis=0)
    d_t = d_gt.sum(axis=0)
    frac = n_gt / n_t
    expected = (d_t * frac).sum(axis=1)
    observed = d_gt.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        wt = np.where(n_t > 1, d_t * (n_t - d_t) / (n_t - 1), 0.0)
    var = np.einsum("t,gt,ht->gh", wt, frac, -frac)
    var[np.diag_indices(k)] += (wt * frac).sum(axis=1)
    use = expected > 0
    df = int(use.sum()) - 1
    warnings = []
    if df < 1:
        chisq, p = 0.0, 1.0
        warnings.append("fewer than two groups have expected events: no test (p = 1)")
    else:
        diff = (observed - expected)[use][1:]
        vv = var[np.ix_(use, use)][1:, 1:]
        try:
            chisq = float(diff @ np.linalg.solve(vv, diff))
        except np.linalg.LinAlgError:
            chisq = float("nan")
        if not np.isfinite(chisq):
            # every event time had a single person at risk: the variance carries no information
            chisq, p = 0.0, 1.0
            warnings.append("the log-rank variance is singular (no information): p = 1")
        else:
            p = clip_p(stats.chi2.sf(chisq, df))
    if n_dropped:
        warnings.append(f"{n_dropped} observation(s) with a missing value dropped")
    return LogrankResult(
        groups=tuple(str(x) for x in labels),
        n=tuple(int(c[code == i].sum()) for i in range(k)),
        n_used=int(c.sum()),
        observed=tuple(int(v) for v in observed),
        expected=tuple(float(v) for v in expected),
        chisq=chisq,
        df=df,
        p_value=p,
        n_dropped=n_dropped,
        method="log-rank (Mantel-Haenszel), as R survival::survdiff(rho = 0)",
        warnings=tuple(warnings),
    )
