"""The numerical core of :mod:`laktasi.stats.pooled`: metafor's ``rma.uni`` fitting steps.

Weighted least squares with an estimated between-study variance, written with the same
steps as metafor 4.x so that the results agree to rounding error, including its Hedges
starting value and its Fisher-scoring loop (threshold 1e-5, step halving at zero).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from laktasi.stats.errors import StatisticsError

#: metafor's control defaults: threshold, maxiter
THRESHOLD = 1e-5
MAXITER = 100
LL_TOL = float(np.finfo(float).eps) ** 0.25


@dataclass(frozen=True)
class Fit:
    """One weighted fit: coefficients, their covariance, the tau2 used."""

    beta: np.ndarray
    vb: np.ndarray  #: (X'WX)^-1, before any Knapp-Hartung scaling
    tau2: float
    iterations: int


def _p_matrix(x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """P = W - W X (X'WX)^-1 X'W and (X'WX)^-1 for diagonal weights ``w``."""
    xw = x * w[:, None]
    xtwx = x.T @ xw
    try:
        inv = np.linalg.inv(xtwx)
    except np.linalg.LinAlgError as exc:
        raise StatisticsError(
            "the moderator does not vary enough between programs to be estimated"
        ) from exc
    p = np.diag(w) - xw @ inv @ xw.T
    return p, inv


def residual_q(y: np.ndarray, v: np.ndarray, x: np.ndarray) -> float:
    """Cochran's Q (QE in metafor): weighted residual sum of squares with weights 1/v."""
    p, _inv = _p_matrix(x, 1.0 / v)
    return max(0.0, float(y @ p @ y))


def typical_variance(v: np.ndarray, x: np.ndarray) -> float:
    """metafor's 'typical' within-study variance, (k - p) / tr(P) with weights 1/v."""
    k, m = x.shape
    p, _inv = _p_matrix(x, 1.0 / v)
    return (k - m) / float(np.trace(p))


def tau2_dl(y: np.ndarray, v: np.ndarray, x: np.ndarray) -> float:
    """DerSimonian-Laird (with moderators: the generalised DL of metafor)."""
    k, m = x.shape
    p, _inv = _p_matrix(x, 1.0 / v)
    q = float(y @ p @ y)
    return max(0.0, (q - (k - m)) / float(np.trace(p)))


def tau2_he(y: np.ndarray, v: np.ndarray, x: np.ndarray) -> float:
    """Hedges' estimator, metafor's starting value for REML (may be negative here)."""
    k, m = x.shape
    p, _inv = _p_matrix(x, np.ones(k))
    rss = float(y @ p @ y)
    return (rss - float(np.trace(p * v[None, :]))) / (k - m)


def _reml_loglik(y: np.ndarray, v: np.ndarray, x: np.ndarray, tau2: float) -> float:
    k, m = x.shape
    w = 1.0 / (v + tau2)
    _p, inv = _p_matrix(x, w)
    beta = inv @ (x.T @ (w * y))
    rss = float(np.sum(w * (y - x @ beta) ** 2))
    _sign, logdet = np.linalg.slogdet(x.T @ (x * w[:, None]))
    return (
        float(
            -0.5 * (k - m) * math.log(2 * math.pi) - 0.5 * np.sum(np.log(v + tau2)) - 0.5 * logdet
        )
        - 0.5 * rss
    )


def tau2_reml(y: np.ndarray, v: np.ndarray, x: np.ndarray) -> tuple[float, int]:
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
        p, _inv = _p_matrix(x, 1.0 / (v + tau2))
        pp = p @ p
        adj = (float(y @ pp @ y) - float(np.trace(p))) / float(np.trace(pp))
        if math.isnan(adj):
            adj = 0.0
        # metafor halves the step until it stays inside the parameter space
        while tau2 + adj < 0.0:
            adj /= 2
        tau2 += adj
        change = abs(old - tau2)
        if iteration > MAXITER:
            raise StatisticsError(
                "the REML estimate of the between-program variance did not converge; "
                "try method='DL'"
            )
    if tau2 > THRESHOLD and _reml_loglik(y, v, x, 0.0) - _reml_loglik(y, v, x, tau2) > LL_TOL:
        tau2 = 0.0
    return max(0.0, tau2), iteration


def fit(y: np.ndarray, v: np.ndarray, x: np.ndarray, method: str) -> Fit:
    """Estimate tau2 by ``method`` and fit the weighted model with weights 1/(v + tau2)."""
    iterations = 0
    if method == "FE":
        tau2 = 0.0
    elif method == "DL":
        tau2 = tau2_dl(y, v, x)
    else:
        tau2, iterations = tau2_reml(y, v, x)
    w = 1.0 / (v + tau2)
    _p, inv = _p_matrix(x, w)
    beta = inv @ (x.T @ (w * y))
    return Fit(beta=beta, vb=inv, tau2=tau2, iterations=iterations)


def knha_scale(y: np.ndarray, v: np.ndarray, x: np.ndarray, tau2: float) -> float:
    """Knapp-Hartung's s² = Y'PY / (k - p) with weights 1/(v + tau2), not truncated."""
    k, m = x.shape
    w = 1.0 / (v + tau2)
    _p, inv = _p_matrix(x, w)
    beta = inv @ (x.T @ (w * y))
    rss = float(np.sum(w * (y - x @ beta) ** 2))
    # metafor: a residual sum of squares at rounding level is exactly 0
    return 0.0 if rss <= np.finfo(float).eps else rss / (k - m)


def weighted_adj_r2(y: np.ndarray, v: np.ndarray, x: np.ndarray) -> float:
    """Adjusted R² of ``lm(y ~ X, weights = 1/v)``, metafor's R² for fixed-effect models."""
    k, m = x.shape
    w = 1.0 / v
    _p, inv = _p_matrix(x, w)
    beta = inv @ (x.T @ (w * y))
    rss = float(np.sum(w * (y - x @ beta) ** 2))
    mean = float(np.sum(w * y) / np.sum(w))
    tss = float(np.sum(w * (y - mean) ** 2))
    return 1 - (rss / (k - m)) / (tss / (k - 1))
