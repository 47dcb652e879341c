"""Aggregated rows with counts give exactly the Kaplan-Meier curve and log-rank test of the
same rows repeated (how the dashboards pass a nation's babies without building 8 million)."""

from __future__ import annotations

import numpy as np
import pytest

from laktasi import stats


def _data(seed: int):
    rng = np.random.default_rng(seed)
    rows = 60
    t = rng.integers(1, 40, rows).astype(float)
    e = rng.random(rows) < 0.6
    g = np.where(rng.random(rows) < 0.4, "a", "b")
    c = rng.integers(1, 6, rows)
    return t, e, g, c


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kaplan_meier_with_counts_equals_the_repeated_rows(seed):
    t, e, _g, c = _data(seed)
    weighted = stats.kaplan_meier(t, e, times=[5, 10, 20], counts=c)
    repeated = stats.kaplan_meier(np.repeat(t, c), np.repeat(e, c), times=[5, 10, 20])
    assert weighted == repeated


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_logrank_with_counts_equals_the_repeated_rows(seed):
    t, e, g, c = _data(seed)
    weighted = stats.logrank(t, e, g, counts=c)
    repeated = stats.logrank(np.repeat(t, c), np.repeat(e, c), np.repeat(g, c))
    assert weighted.n == repeated.n
    assert weighted.observed == repeated.observed
    assert weighted.expected == pytest.approx(repeated.expected, rel=1e-12)
    assert weighted.chisq == pytest.approx(repeated.chisq, rel=1e-10)
    assert weighted.p_value == pytest.approx(repeated.p_value, rel=1e-9)


def test_counts_must_be_whole_numbers_of_at_least_one():
    with pytest.raises(stats.StatisticsError, match="whole numbers"):
        stats.kaplan_meier([1, 2], [True, False], counts=[1, 0.5])
    with pytest.raises(stats.StatisticsError, match="one value per observation"):
        stats.logrank([1, 2], [True, False], ["a", "b"], counts=[1])
