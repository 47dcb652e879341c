"""The numerical core of :mod:`laktasi.stats.pooled`: metafor's ``rma.uni`` fitting steps.

Weighted least squares with an estimated between-study variance, written with the same
steps as metafor 4.x so that the results agree to rounding error, including its Hedges
starting value and its Fisher-scoring loop (threshold 1e-5, step halving at zero).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import cast

import numpy as np

from laktasi.stats.errors import StatisticsError

#: metafor's control defaults: threshold, maxiter
THRESHOLD = 1e-5
MAXITER = 100
LL_TOL = float(np.finfo(float).eps) ** 0.25


class NotConverged(StatisticsError):
    """Fisher scoring did not converge in MAXITER steps (metafor stops with an error too)."""


@dataclass(frozen=True)
class Fit:
    """One weighted fit: coefficients, their covariance, the tau2 used."""

    beta: np.ndarray
    vb: np.ndarray  #: (X'WX)^-1, before any Knapp-Hartung scaling
    tau2: float
    iterations: int
    stepadj: float = 1.0  #: 0.5 when the default Fisher scoring oscillated


def _wls(x: np.ndarray, w: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted least squares: (X'WX)^-1 and the coefficients, for diagonal weights ``w``."""
    xtwx = x.T @ (x * w[:, None])
    try:
        inv = np.linalg.inv(xtwx)
    except np.linalg.LinAlgError as exc:
        raise StatisticsError(
            "the moderator does not vary enough between programs to be estimated"
        ) from exc
    return inv, inv @ (x.T @ (w * y))


# metafor works with P = W - W X (X'WX)^-1 X'W, a k x k matrix; the quantities it needs have
# closed forms in k x p terms (O(k p^2), not O(k^3)), identical up to rounding:
#   P y = W r (r the WLS residuals), y'P y = sum(w r^2), y'PPy = sum((w r)^2),
#   tr(P) = sum(w) - tr(A X'W^2X), tr(PP) = sum(w^2) - 2 tr(A X'W^3X) + tr((A X'W^2X)^2),
# with A = (X'WX)^-1.


def _traces(x: np.ndarray, w: np.ndarray, inv: np.ndarray) -> tuple[float, float]:
    """tr(P) and tr(PP)."""
    b2 = x.T @ (x * (w * w)[:, None])
    b3 = x.T @ (x * (w * w * w)[:, None])
    ab2 = inv @ b2
    tr_p = float(np.sum(w)) - float(np.trace(ab2))
    tr_pp = float(np.sum(w * w)) - 2 * float(np.trace(inv @ b3)) + float(np.trace(ab2 @ ab2))
    return tr_p, tr_pp


def residual_q(y: np.ndarray, v: np.ndarray, x: np.ndarray) -> float:
    """Cochran's Q (QE in metafor): weighted residual sum of squares with weights 1/v."""
    w = 1.0 / v
    _inv, beta = _wls(x, w, y)
    return max(0.0, float(np.sum(w * (y - x @ beta) ** 2)))


def typical_variance(v: np.ndarray, x: np.ndarray) -> float:
    """metafor's 'typical' within-study variance, (k - p) / tr(P) with weights 1/v."""
    k, m = x.shape
    w = 1.0 / v
    inv, _beta = _wls(x, w, np.zeros(k))
    return cast(float, (k - m) / _traces(x, w, inv)[0])


def tau2_dl(y: np.ndarray, v: np.ndarray, x: np.ndarray) -> float:
    """DerSimonian-Laird (with moderators: the generalised DL of metafor)."""
    k, m = x.shape
    w = 1.0 / v
    inv, beta = _wls(x, w, y)
    q = float(np.sum(w * (y - x @ beta) ** 2))
    return cast(float, max(0.0, (q - (k - m)) / _traces(x, w, inv)[0]))


def tau2_he(y: np.ndarray, v: np.ndarray, x: np.ndarray) -> float:
    """Hedges' estimator, metafor's starting value for REML (may be negative here).

    (RSS - tr(PV)) / (k - p) with ordinary least squares, where tr(PV) = sum(v) -
    tr((X'X)^-1 X'VX).
    """
    k, m = x.shape
    inv, beta = _wls(x, np.ones(k), y)
    rss = float(np.sum((y - x @ beta) ** 2))
    tr_pv = float(np.sum(v)) - float(np.trace(inv @ (x.T @ (x * v[:, None]))))
    return cast(float, (rss - tr_pv) / (k - m))


def _reml_loglik(y: np.ndarray, v: np.ndarray, x: np.ndarray, tau2: float) -> float:
    k, m = x.shape
    w = 1.0 / (v + tau2)
    _inv, beta = _wls(x, w, y)
    rss = float(np.sum(w * (y - x @ beta) ** 2))
    _sign, logdet = np.linalg.slogdet(x.T @ (x * w[:, None]))
    return (
        float(
            -0.5 * (k - m) * math.log(2 * math.pi) - 0.5 * np.sum(np.log(v + tau2)) - 0.5 * logdet
        )
        - 0.5 * rss
    )


def tau2_reml(
    y: np.ndarray, v: np.ndarray, x: np.ndarray, stepadj: float = 1.0
) -> tuple[float, int]:
    """REML by Fisher scoring, step by step as metafor's ``rma.uni(method = "REML")``.

    Starts at Hedges' estimate (at least 0), stops when tau2 changes by at most 1e-5, halves
    a step that would go below 0, and (metafor's ``ll0check``) falls back to tau2 = 0 when
    the likelihood there is higher than at the estimate found.
    """
    tau2 = max(0.0, tau2_he(y, v, x))
    change = THRESHOLD + 1
    iteration = 0
    while change > THRESHOLD:
        iteration += 1
        old = tau2
        w = 1.0 / (v + tau2)
        inv, beta = _wls(x, w, y)
        tr_p, tr_pp = _traces(x, w, inv)
        py = w * (y - x @ beta)
        adj = stepadj * (float(py @ py) - tr_p) / tr_pp
        if math.isnan(adj):
            adj = 0.0
        # metafor halves the step until it stays inside the parameter space
        while tau2 + adj < 0.0:
            adj /= 2
        tau2 += adj
        change = abs(old - tau2)
        if iteration > MAXITER:
            raise NotConverged
    if tau2 > THRESHOLD and _reml_loglik(y, v, x, 0.0) - _reml_loglik(y, v, x, tau2) > LL_TOL:
        tau2 = 0.0
    return max(0.0, tau2), iteration


def fit(y: np.ndarray, v: np.ndarray, x: np.ndarray, method: str) -> Fit:
    """Estimate tau2 by ``method`` and fit the weighted model with weights 1/(v + tau2)."""
    iterations, stepadj = 0, 1.0
    if method == "FE":
        tau2 = 0.0
    elif method == "DL":
        tau2 = tau2_dl(y, v, x)
    else:
        try:
            tau2, iterations = tau2_reml(y, v, x)
        except NotConverged:
            # metafor's own remedy (help(rma)): control = list(stepadj = 0.5)
            stepadj = 0.5
            try:
                tau2, iterations = tau2_reml(y, v, x, stepadj)
            except NotConverged as exc:
                raise StatisticsError(
                    "the REML estimate of the between-program variance did not converge; "
                    "try method='DL'"
                ) from exc
    inv, beta = _wls(x, 1.0 / (v + tau2), y)
    return Fit(beta=beta, vb=inv, tau2=tau2, iterations=iterations, stepadj=stepadj)


def knha_scale(y: np.ndarray, v: np.ndarray, x: np.ndarray, tau2: float) -> float:
    """Knapp-Hartung's s² = Y'PY / (k - p) with weights 1/(v + tau2), not truncated."""
    k, m = x.shape
    w = 1.0 / (v + tau2)
    _inv, beta = _wls(x, w, y)
    rss = float(np.sum(w * (y - x @ beta) ** 2))
    # metafor: a residual sum of squares at rounding level is exactly 0
    return 0.0 if rss <= np.finfo(float).eps else rss / (k - m)


def weighted_adj_r2(y: np.ndarray, v: np.ndarray, x: np.ndarray) -> float:
    """Adjusted R² of ``lm(y ~ X, weights = 1/v)``, metafor's R² for fixed-effect models."""
    k, m = x.shape
    w = 1.0 / v
    _inv, beta = _wls(x, w, y)
    rss = float(np.sum(w * (y - x @ beta) ** 2))
    mean = float(np.sum(w * y) / np.sum(w))
    tss = float(np.sum(w * (y - mean) ** 2))
    return cast(float, 1 - (rss / (k - m)) / (tss / (k - 1)))
