"""Property tests (hypothesis): symmetry under swapping, sums to 100, p in [0, 1], bounds."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laktasi.stats import (
    check_reported_percentages,
    frequency_table,
    marginal_bounds_binary,
    marginal_bounds_ordinal,
    paired_binary,
    paired_ordinal,
    paired_ordinal_from_table,
    paired_scores,
)

#: LAKTASI_HYPOTHESIS_SCALE=20 runs 20 times more examples (for a thorough local run)
SCALE = int(os.environ.get("LAKTASI_HYPOTHESIS_SCALE", "1"))
FAST = settings(max_examples=60 * SCALE, deadline=None)
LEVELS = ["a", "b", "c"]


def in_unit(p):
    return 0.0 <= p <= 1.0


pairs_bool = st.integers(2, 40).flatmap(
    lambda n: st.tuples(
        st.lists(st.one_of(st.booleans(), st.none()), min_size=n, max_size=n),
        st.lists(st.one_of(st.booleans(), st.none()), min_size=n, max_size=n),
    )
)


@FAST
@given(pairs_bool)
def test_binary_swap_mirrors(data):
    before, after = data
    complete = sum(b is not None and a is not None for b, a in zip(before, after, strict=True))
    if complete < 2:
        return
    r = paired_binary(before, after)
    s = paired_binary(after, before)
    assert s.difference == pytest.approx(-r.difference)
    assert s.difference_ci == pytest.approx((-r.difference_ci[1], -r.difference_ci[0]))
    for name in ("p_exact", "p_midp", "p_asymptotic", "p_asymptotic_cc", "p_quoted"):
        assert getattr(s, name) == pytest.approx(getattr(r, name))
        assert in_unit(getattr(r, name))
    lo, hi = r.difference_ci
    assert -1 <= lo <= r.difference <= hi <= 1


tables3 = st.lists(st.integers(0, 6), min_size=9, max_size=9).map(
    lambda v: np.array(v).reshape(3, 3)
)


@FAST
@given(tables3)
def test_ordinal_swap_mirrors(table):
    if table.sum() < 2:
        return
    r = paired_ordinal_from_table(table, LEVELS)
    s = paired_ordinal_from_table(table.T, LEVELS)
    assert s.stuart_maxwell.p_value == pytest.approx(r.stuart_maxwell.p_value)
    assert s.stuart_maxwell.statistic == pytest.approx(r.stuart_maxwell.statistic)
    assert s.bowker.p_value == pytest.approx(r.bowker.p_value)
    assert s.wilcoxon.p_value == pytest.approx(r.wilcoxon.p_value)
    assert (s.improved, s.worsened) == (r.worsened, r.improved)
    if r.rank_biserial is not None:
        assert s.rank_biserial == pytest.approx(-r.rank_biserial)
    for p in (r.stuart_maxwell.p_value, r.bowker.p_value, r.wilcoxon.p_value):
        assert in_unit(p)


@FAST
@given(
    st.lists(
        st.tuples(st.sampled_from(LEVELS + [None]), st.sampled_from(LEVELS + [None])),
        min_size=2,
        max_size=30,
    )
)
def test_ordinal_labels_equal_table(pairs):
    before = [b for b, _ in pairs]
    after = [a for _, a in pairs]
    if sum(b is not None and a is not None for b, a in pairs) < 2:
        return
    r = paired_ordinal(before, after, LEVELS)
    assert r.n_used + r.n_dropped == len(pairs)
    assert sum(map(sum, r.table)) == r.n_used


scores = st.integers(3, 30).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 100), min_size=n, max_size=n),
        st.lists(st.integers(0, 100), min_size=n, max_size=n),
    )
)


@FAST
@given(scores)
def test_scores_swap_mirrors(data):
    before, after = data
    r = paired_scores(before, after)
    s = paired_scores(after, before)
    assert s.mean_difference == pytest.approx(-r.mean_difference)
    assert s.wilcoxon.p_value == pytest.approx(r.wilcoxon.p_value)
    assert in_unit(r.wilcoxon.p_value)
    assert in_unit(r.p_quoted)
    if r.t is not None:
        assert s.t == pytest.approx(-r.t)
        assert s.p_t == pytest.approx(r.p_t)
        assert s.cohen_dz == pytest.approx(-r.cohen_dz)
        assert in_unit(r.p_t)
    if r.shapiro_p is not None:
        assert in_unit(r.shapiro_p)


@settings(max_examples=150 * SCALE, deadline=None)
@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=12), st.integers(0, 3))
def test_largest_remainder_sums_to_exactly_100(counts, decimals):
    if sum(counts) == 0:
        return
    t = frequency_table(counts, decimals=decimals)
    unit = 10**decimals
    lr_units = [round(r.largest_remainder * unit) for r in t.rows]
    assert sum(lr_units) == 100 * unit
    for r, units in zip(t.rows, lr_units, strict=True):
        exact = r.count * 100 * unit / t.total
        assert units in (np.floor(exact), np.floor(exact) + 1)
        assert abs(r.rounded * unit - exact) <= 0.5 + 1e-9
    check = check_reported_percentages(counts, [r.largest_remainder for r in t.rows], decimals)
    assert all(i.from_rounding and i.matches_largest_remainder for i in check.items)


@FAST
@given(
    st.integers(2, 60).flatmap(
        lambda n: st.tuples(st.just(n), st.integers(0, n), st.integers(0, n), st.data())
    )
)
def test_binary_bounds_contain_any_consistent_table(args):
    n, r1, c1, data = args
    lo, hi = max(0, r1 + c1 - n), min(r1, c1)
    a = data.draw(st.integers(lo, hi))
    b, c, d = r1 - a, c1 - a, n - r1 - c1 + a
    before = [True] * (a + b) + [False] * (c + d)
    after = [True] * a + [False] * b + [True] * c + [False] * d
    r = paired_binary(before, after)
    bounds = marginal_bounds_binary(n, r1, c1)
    assert bounds.exact.p_min - 1e-12 <= r.p_exact <= bounds.exact.p_max + 1e-12
    assert bounds.midp.p_min - 1e-12 <= r.p_midp <= bounds.midp.p_max + 1e-12
    assert in_unit(bounds.exact.p_min)
    assert in_unit(bounds.exact.p_max)


@settings(max_examples=40 * SCALE, deadline=None)
@given(tables3)
def test_ordinal_bounds_contain_any_consistent_table(table):
    if table.sum() < 2:
        return
    r = paired_ordinal_from_table(table, LEVELS)
    b = marginal_bounds_ordinal(table.sum(axis=1).tolist(), table.sum(axis=0).tolist(), LEVELS)
    assert b.n_tables >= 1
    for rng, p in (
        (b.stuart_maxwell, r.stuart_maxwell.p_value),
        (b.bowker, r.bowker.p_value),
        (b.wilcoxon, r.wilcoxon.p_value),
    ):
        assert rng.p_min - 1e-12 <= p <= rng.p_max + 1e-12
        assert in_unit(rng.p_min)
        assert in_unit(rng.p_max)
    assert b.improved_range[0] <= r.improved <= b.improved_range[1]
