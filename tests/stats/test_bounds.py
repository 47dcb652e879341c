"""Bounds of paired tests over every table consistent with published margins."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest

from laktasi.stats import (
    StatisticsError,
    marginal_bounds_binary,
    marginal_bounds_ordinal,
    paired_binary_from_counts,
    paired_ordinal_from_table,
)
from laktasi.stats.bounds import enumerate_tables

LEVELS = ["Kurang", "Cukup", "Baik"]


def brute_force_tables(rows, cols):
    """Every 3x3 table with the given margins, by exhaustive search over 4 free cells."""
    out = []
    for a, b, d, e in itertools.product(range(max(rows) + 1), repeat=4):
        c, f = rows[0] - a - b, rows[1] - d - e
        g, h = cols[0] - a - d, cols[1] - b - e
        i = rows[2] - g - h
        t = np.array([[a, b, c], [d, e, f], [g, h, i]])
        if (t >= 0).all() and (t.sum(axis=0) == cols).all():
            out.append(t)
    return out


def test_article_binary():
    r = marginal_bounds_binary(15, 6, 13)
    assert r.n_tables == 3
    assert r.yes_yes_range == (4, 6)
    # exact p of the three tables: R binom.test(0, 7), binom.test(1, 9), binom.test(2, 11)
    assert r.exact.p_min == pytest.approx(0.015625, rel=1e-9)
    assert r.exact.p_max == pytest.approx(0.0654296875, rel=1e-9)
    assert r.exact.table_at_min == ((6, 0), (7, 2))
    assert r.exact.table_at_max == ((4, 2), (9, 0))
    assert r.exact.n_significant == 2
    assert r.exact.verdict == "depends"
    assert r.difference == pytest.approx(7 / 15)
    text = r.describe("id")
    assert "3 tabel" in text
    assert "p = 0,016 sampai p = 0,065" in text
    assert "cannot be decided" in r.describe("en")


def test_binary_bounds_match_paired_binary():
    r = marginal_bounds_binary(40, 12, 25)
    ps = []
    for a in range(r.yes_yes_range[0], r.yes_yes_range[1] + 1):
        t = paired_binary_from_counts(a, 12 - a, 25 - a, 40 - 12 - 25 + a)
        ps.append((t.p_exact, t.p_midp, t.p_asymptotic_cc))
    ps = np.array(ps)
    assert r.n_tables == len(ps)
    assert r.exact.p_min == pytest.approx(ps[:, 0].min())
    assert r.exact.p_max == ps[:, 0].max()
    assert r.midp.p_min == pytest.approx(ps[:, 1].min())
    assert r.asymptotic_cc.p_max == pytest.approx(ps[:, 2].max())


def test_binary_no_change_possible():
    r = marginal_bounds_binary(10, 10, 10)
    assert r.n_tables == 1
    assert r.exact.p_min == 1.0
    assert r.exact.verdict == "never"


def test_article_ordinal():
    start = time.perf_counter()
    r = marginal_bounds_ordinal([8, 5, 2], [1, 4, 10], LEVELS)
    assert time.perf_counter() - start < 2
    tables = brute_force_tables([8, 5, 2], [1, 4, 10])
    assert r.n_tables == len(tables) == 33
    sm = [paired_ordinal_from_table(t, LEVELS).stuart_maxwell.p_value for t in tables]
    bw = [paired_ordinal_from_table(t, LEVELS).bowker.p_value for t in tables]
    wx = [paired_ordinal_from_table(t, LEVELS).wilcoxon.p_value for t in tables]
    assert r.stuart_maxwell.p_min == pytest.approx(min(sm))
    assert r.stuart_maxwell.p_max == pytest.approx(max(sm))
    assert r.bowker.p_min == pytest.approx(min(bw))
    assert r.bowker.p_max == pytest.approx(max(bw))
    assert r.wilcoxon.p_min == pytest.approx(min(wx))
    assert r.wilcoxon.p_max == pytest.approx(max(wx))
    # extreme tables checked against R in test_ordinal.py:
    # R: sm(matrix(c(1,0,0,4,0,0,3,5,2), nrow=3))$p = 0.0046929113712336499
    assert r.stuart_maxwell.p_min == pytest.approx(0.0046929113712336499, rel=1e-6)
    # R: sm(matrix(c(0,0,1,0,3,1,8,2,0), nrow=3))$p = 0.055637998277842812
    assert r.stuart_maxwell.p_max == pytest.approx(0.055637998277842812, rel=1e-6)
    assert r.wilcoxon.verdict == "always"
    assert r.stuart_maxwell.verdict == "depends"
    assert r.improved_range == (8, 13)
    assert "33 paired tables" in r.describe("en")
    assert "33 tabel" in r.describe("id")


def test_enumeration_matches_brute_force_on_odd_margins():
    rows, cols = [3, 0, 4], [2, 2, 3]
    got = enumerate_tables(rows, cols)
    want = brute_force_tables(rows, cols)
    assert len(got) == len(want)
    assert {t.tobytes() for t in got} == {np.asarray(t, dtype=np.int64).tobytes() for t in want}
    assert (got.sum(axis=2) == rows).all()
    assert (got.sum(axis=1) == cols).all()


def test_larger_tables_are_fast():
    start = time.perf_counter()
    r = marginal_bounds_ordinal([30, 30, 30], [30, 30, 30], list("abc"))
    assert r.n_tables == 123_256
    assert time.perf_counter() - start < 10


def test_too_many_tables_refused():
    with pytest.raises(StatisticsError, match="too many"):
        enumerate_tables([50, 50, 50, 50], [50, 50, 50, 50], limit=1000)


@pytest.mark.parametrize(
    "call",
    [
        lambda: marginal_bounds_binary(15, 16, 3),
        lambda: marginal_bounds_binary(15, -1, 3),
        lambda: marginal_bounds_binary(1, 1, 1),
        lambda: marginal_bounds_binary(15.5, 6, 13),
        lambda: marginal_bounds_ordinal([8, 5, 2], [1, 4, 11], LEVELS),
        lambda: marginal_bounds_ordinal([8, 5], [1, 12], LEVELS),
        lambda: marginal_bounds_ordinal([8, -5, 2], [1, 4, 10], LEVELS),
        lambda: marginal_bounds_ordinal([1, 0, 0], [0, 0, 1], LEVELS),
    ],
)
def test_bad_input(call):
    with pytest.raises(StatisticsError):
        call()
