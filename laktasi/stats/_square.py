"""Tests on K x K paired tables (rows before, columns after), vectorised over many tables.

All three depend only on the off-diagonal cells (the people who changed category).

Stuart-Maxwell marginal homogeneity
    ``d`` = row margins - column margins, ``S`` the covariance of ``d`` under homogeneity:
    ``S_ii = n_i. + n_.i - 2 n_ii``, ``S_ij = -(n_ij + n_ji)``. ``X^2 = d' S^- d``.
    ``S`` is the Laplacian of the graph whose edge weights are ``n_ij + n_ji``; it is singular
    when a category is not involved in any change (for instance empty in both margins) or
    when the categories split into groups that never exchange people. The statistic then
    uses the Moore-Penrose inverse and ``df = rank(S)`` (K minus the number of connected
    groups). When the categories form one group after dropping the uninvolved ones this is
    exactly DescTools ``StuartMaxwellTest``, which drops categories whose diagonal equals
    both margins; R's ``mantelhaen``-style ``solve`` would fail in the other cases.
Bowker symmetry
    ``sum_{i<j} (n_ij - n_ji)^2 / (n_ij + n_ji)``, as R ``mcnemar.test`` on a K x K table,
    but pairs of cells that are both zero are left out of the sum and of the df (R returns
    NaN there; statsmodels keeps them in the df).
Wilcoxon signed-rank on the category codes
    See :mod:`laktasi.stats._signedrank`.

References
----------
Stuart A (1955). A test for homogeneity of the marginal distributions in a two-way
classification. Biometrika 42:412-416. Maxwell AE (1970). Comparing the classification of
subjects by two independent judges. Br J Psychiatry 116:651-655.
Bowker AH (1948). A test for symmetry in contingency tables. JASA 43:572-574.
"""

from __future__ import annotations

from typing import cast

import numpy as np
from scipy import stats

from laktasi.stats._signedrank import signed_rank_p_batch


def _laplacian(t: np.ndarray) -> np.ndarray:
    """Graph Laplacian of the off-diagonal exchanges, weights n_ij + n_ji (float tables)."""
    lap = -(t + np.swapaxes(t, 1, 2))
    k = t.shape[1]
    idx = np.arange(k)
    lap[:, idx, idx] = 0.0
    lap[:, idx, idx] = -lap.sum(axis=2)
    return cast(np.ndarray, lap)


def stuart_maxwell_batch(tables: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(statistic, df, p) arrays for tables of shape (T, K, K)."""
    t = np.asarray(tables, dtype=np.float64)
    d = t.sum(axis=2) - t.sum(axis=1)
    lap = _laplacian(t)
    k = t.shape[1]
    stat = np.zeros(t.shape[0])
    df = np.zeros(t.shape[0], dtype=np.int64)
    # fast path: connected graphs -> drop the last category and solve exactly
    reduced = lap[:, : k - 1, : k - 1]
    det = np.linalg.det(reduced)
    ok = det > 0.5  # integer-valued Laplacian minors: determinant is a positive integer
    if ok.any():
        sol = np.linalg.solve(reduced[ok], d[ok, : k - 1, None])[..., 0]
        stat[ok] = np.einsum("ti,ti->t", d[ok, : k - 1], sol)
        df[ok] = k - 1
    rest = ~ok
    if rest.any():
        pinv = np.linalg.pinv(lap[rest], hermitian=True)
        stat[rest] = np.einsum("ti,tij,tj->t", d[rest], pinv, d[rest])
        df[rest] = np.linalg.matrix_rank(lap[rest], hermitian=True)
    stat = np.maximum(stat, 0.0)
    p = np.ones_like(stat)
    has_df = df > 0
    p[has_df] = stats.chi2.sf(stat[has_df], df[has_df])
    return stat, df, np.clip(p, 0.0, 1.0)


def stuart_maxwell_dropped(table: np.ndarray) -> list[int]:
    """Indices of categories not involved in any change (no off-diagonal count)."""
    t = np.asarray(table)
    off = t + t.T
    np.fill_diagonal(off, 0)
    return [i for i in range(t.shape[0]) if off[i].sum() == 0]


def bowker_batch(tables: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(statistic, df, p) arrays for tables of shape (T, K, K)."""
    tables = np.asarray(tables, dtype=np.int64)
    k = tables.shape[1]
    iu, ju = np.triu_indices(k, 1)
    upper = tables[:, iu, ju].astype(np.float64)
    lower = tables[:, ju, iu].astype(np.float64)
    tot = upper + lower
    used = tot > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(used, (upper - lower) ** 2 / np.where(used, tot, 1.0), 0.0)
    stat = terms.sum(axis=1)
    df = used.sum(axis=1)
    p = np.ones_like(stat)
    has_df = df > 0
    p[has_df] = stats.chi2.sf(stat[has_df], df[has_df])
    return stat, df, np.clip(p, 0.0, 1.0)


def code_difference_counts(tables: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Counts of differences +k and -k (k = 1..K-1) in codes after - before, per table."""
    tables = np.asarray(tables, dtype=np.int64)
    k = tables.shape[1]
    rows, cols = np.indices((k, k))
    diff = cols - rows  # after - before
    pos = np.stack([tables[:, diff == m].sum(axis=1) for m in range(1, k)], axis=1)
    neg = np.stack([tables[:, diff == -m].sum(axis=1) for m in range(1, k)], axis=1)
    return pos, neg


def wilcoxon_codes_batch(tables: np.ndarray) -> np.ndarray:
    """Signed-rank p (normal approximation, corrections as R) for each table."""
    pos, neg = code_difference_counts(tables)
    return signed_rank_p_batch(pos, neg)
