"""paired_scores against R (R 4.2.2): t.test, wilcox.test, shapiro.test, quantile, sd."""

from __future__ import annotations

import numpy as np
import pytest

from laktasi.stats import StatisticsError, paired_scores

REL = 1e-6

B1 = [52, 60, 45, 70, 55, 63, 48, 58, 66, 50, 61, 57]
D1 = [9, 11, 4, 10, -1, 13, 7, 5, 14, 3, -2, 6]
A1 = [b + d for b, d in zip(B1, D1, strict=True)]


def test_no_ties_exact_wilcoxon_and_t():
    r = paired_scores(B1, A1)
    # R: tt <- t.test(A1, B1, paired=TRUE)
    assert r.t == pytest.approx(4.4653440096593497, rel=REL)
    assert r.df == 11
    assert r.p_t == pytest.approx(0.00095419930787486599, rel=REL)
    assert r.mean_difference_ci == pytest.approx((3.3383831258556609, 9.8282835408110056), rel=REL)
    assert r.mean_difference == pytest.approx(6.583333333333333, rel=REL)
    # R: wilcox.test(A1, B1, paired=TRUE) -> V = 75, exact p = 0.00244140625
    assert r.wilcoxon.statistic_v == 75
    assert r.wilcoxon.exact
    assert r.wilcoxon.p_value == pytest.approx(0.0024414062500000017, rel=REL)
    # R: shapiro.test(A1 - B1)
    assert r.shapiro_w == pytest.approx(0.9655785153884282, rel=REL)
    assert r.shapiro_p == pytest.approx(0.85944896875892707, rel=REL)
    # R: mean, sd, quantile(B1, c(.25,.5,.75)), IQR(B1)
    assert r.before.mean == pytest.approx(57.083333333333336, rel=REL)
    assert r.before.sd == pytest.approx(7.4767315821497267, rel=REL)
    assert (r.before.q1, r.before.median, r.before.q3, r.before.iqr) == (51.5, 57.5, 61.5, 10)
    assert (r.after.q1, r.after.median, r.after.q3) == pytest.approx((54.75, 62, 72.25))
    assert r.after.sd == pytest.approx(10.730867399773196, rel=REL)
    # R: mean(d) / sd(d)
    assert r.cohen_dz == pytest.approx(1.2890337830005543, rel=REL)
    assert r.quoted_test == "paired_t"
    assert r.p_quoted == r.p_t
    # rank-biserial: (R+ - R-) / (R+ + R-) = (75 - 3) / 78
    assert r.rank_biserial == pytest.approx(72 / 78)


def test_ties_and_zeros_use_normal_approximation():
    b = [3, 4, 4, 5, 2, 3, 4, 5, 3, 2, 4, 4, 3, 5, 1]
    a = [4, 4, 5, 5, 4, 3, 5, 5, 4, 3, 4, 5, 5, 4, 3]
    r = paired_scores(b, a)
    # R: wilcox.test(a, b, paired=TRUE) -> V = 51, p = 0.01462936573737411 (continuity corr.)
    assert r.wilcoxon.statistic_v == 51
    assert not r.wilcoxon.exact
    assert r.wilcoxon.n_zero == 5
    assert r.wilcoxon.p_value == pytest.approx(0.01462936573737411, rel=REL)
    # R: t.test(a, b, paired=TRUE)
    assert r.t == pytest.approx(3.2139179038492762, rel=REL)
    assert r.p_t == pytest.approx(0.0062452505616908561, rel=REL)
    # R: shapiro.test(a - b)$p.value = 0.062930132370825981 -> t quoted
    assert r.shapiro_p == pytest.approx(0.062930132370825981, rel=REL)
    assert r.quoted_test == "paired_t"
    assert r.cohen_dz == pytest.approx(0.82983003451240644, rel=REL)


def test_non_normal_differences_quote_wilcoxon():
    b = [50, 52, 48, 55, 51, 49, 53, 50, 47, 54]
    a = [51, 53, 50, 55, 52, 49, 54, 52, 48, 90]
    r = paired_scores(b, a)
    # R: shapiro.test(a - b) W = 0.41877042448729518, p = 4.1127111607871041e-07
    assert r.shapiro_w == pytest.approx(0.41877042448729518, rel=REL)
    assert r.shapiro_p == pytest.approx(4.1127111607871041e-07, rel=1e-5)
    assert r.quoted_test == "wilcoxon"
    # R: wilcox.test(a, b, paired=TRUE) V = 36, p = 0.011866216879384939
    assert r.wilcoxon.statistic_v == 36
    assert r.p_quoted == pytest.approx(0.011866216879384939, rel=REL)
    # R: t.test(a, b, paired=TRUE)$p.value
    assert r.p_t == pytest.approx(0.23141472017368461, rel=REL)
    assert "Shapiro-Wilk p < 0,001" in r.describe("id")
    assert "not normal" in r.describe("en")


def test_constant_differences():
    r = paired_scores([10, 20, 30], [15, 25, 35])
    assert r.t is None
    assert r.p_t is None
    assert r.cohen_dz is None
    assert r.mean_difference_ci is None
    assert r.quoted_test == "wilcoxon"
    # R: wilcox.test(c(15,25,35), c(10,20,30), paired=TRUE): ties -> normal approx
    assert r.p_quoted == pytest.approx(0.14891467317876572, rel=REL)
    assert any("undefined" in w for w in r.warnings)
    assert r.describe("en")


def test_all_zero_differences():
    r = paired_scores([1, 2, 3], [1, 2, 3])
    assert r.wilcoxon.p_value == 1.0
    assert r.wilcoxon.rank_biserial is None
    assert r.p_quoted == 1.0
    assert "stayed the same" in r.describe("en")


def test_two_pairs():
    r = paired_scores([1, 2], [3, 5])
    assert r.quoted_test == "wilcoxon"
    assert r.shapiro_p is None
    assert r.df == 1


def test_large_sample_skips_shapiro():
    rng = np.random.default_rng(3)
    b = rng.normal(50, 10, 6000)
    a = b + rng.normal(2, 5, 6000)
    r = paired_scores(b, a)
    assert r.shapiro_p is None
    assert r.quoted_test == "paired_t"
    assert "5000" in r.reason


def test_dz_uses_sample_sd():
    b = np.array([1.0, 2.0, 3.0, 4.0])
    a = np.array([2.0, 2.5, 5.0, 4.5])
    d = a - b
    r = paired_scores(b, a)
    assert r.cohen_dz == pytest.approx(d.mean() / d.std(ddof=1))
    assert r.cohen_dz != pytest.approx(d.mean() / d.std())


def test_missing_values():
    r = paired_scores([1, None, 3, 4, float("nan")], [2, 3, None, 6, 7])
    assert r.n_used == 2
    assert r.n_dropped == 3


@pytest.mark.parametrize(
    ("before", "after", "message"),
    [
        ([1, 2, 3], [1, 2], "same length"),
        ([1, "a"], [1, 2], "not text"),
        ([1, None, "a"], [1, 2, 3], "not a number"),
        ([True, False], [1, 2], "numbers"),
        ([1, float("inf")], [1, 2], "finite"),
        ([None, 1], [1, None], "every pair"),
        ([1], [2], "only one"),
    ],
)
def test_bad_input(before, after, message):
    with pytest.raises(StatisticsError, match=message):
        paired_scores(before, after)
