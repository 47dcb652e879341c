"""cohen_kappa against R (R 4.2.2): vcd::Kappa (vcd 1.4-11) and psych::cohen.kappa (2.2.9)."""

from __future__ import annotations

import pytest

from laktasi.stats import StatisticsError, cohen_kappa

REL = 1e-6
R1 = [1, 2, 3, 3, 2, 1, 1, 2, 3, 3, 2, 2, 1, 3, 3, 2, 1, 1, 2, 3]
R2 = [1, 2, 3, 2, 2, 1, 2, 2, 3, 3, 1, 2, 1, 3, 2, 2, 1, 2, 2, 3]


def check_three_levels(r):
    u, w = r.unweighted, r.weighted
    # R: k <- vcd::Kappa(table(factor(R1, 1:3), factor(R2, 1:3)))
    assert u.kappa == pytest.approx(0.62264150943396224, rel=REL)
    assert u.se == pytest.approx(0.14443367216470332, rel=REL)
    assert w.kappa == pytest.approx(0.69696969696969702, rel=REL)
    assert w.se == pytest.approx(0.12195766488287862, rel=REL)
    # R: confint(k)
    assert u.ci == pytest.approx((0.3395567138362785, 0.90572630503164597), rel=REL)
    assert w.ci == pytest.approx((0.45793706616064966, 0.93600232777874437), rel=REL)
    # R: psych::cohen.kappa(cbind(R1, R2)): var.kappa 0.020861085654980974, same CI
    assert u.se**2 == pytest.approx(0.020861085654980974, rel=REL)
    assert u.observed_agreement == 0.75


def test_numeric_ratings():
    r = cohen_kappa(R1, R2)
    check_three_levels(r)
    assert r.categories == ("1", "2", "3")
    assert r.n_used == 20


def test_labelled_ratings_with_levels():
    names = {1: "Kurang", 2: "Cukup", 3: "Baik"}
    r = cohen_kappa([names[v] for v in R1], [names[v] for v in R2], ["Kurang", "Cukup", "Baik"])
    check_three_levels(r)
    text = r.describe("id")
    assert "kappa Cohen = 0,62" in text
    assert "berbobot linear = 0,70" in text
    assert "substantial agreement" in r.describe("en")


def test_two_categories_weighted_equals_unweighted():
    r = cohen_kappa([1, 1, 2, 2, 1, 2, 1, 1], [1, 2, 2, 2, 1, 1, 1, 2])
    # R: vcd::Kappa(table(factor(r3,1:2), factor(r4,1:2))): 0.25, ASE 0.33145630368119416
    assert r.unweighted.kappa == pytest.approx(0.25, rel=REL)
    assert r.unweighted.se == pytest.approx(0.33145630368119416, rel=REL)
    assert r.unweighted.ci == pytest.approx((-0.3996424176639114, 0.8996424176639114), rel=REL)
    assert r.weighted.kappa == pytest.approx(0.25, rel=REL)


def test_unordered_labels_have_no_weighted_kappa():
    r = cohen_kappa(["a", "b", "a", "c"], ["a", "b", "b", "c"])
    assert r.weighted is None
    assert any("not ordered" in w for w in r.warnings)


def test_single_category_is_undefined_not_nan():
    r = cohen_kappa(["x", "x", "x"], ["x", "x", "x"])
    assert r.unweighted.kappa is None
    assert r.to_dict()["unweighted"]["kappa"] is None
    assert "undefined" in r.describe("en")


def test_missing_pairs():
    r = cohen_kappa([1, 2, None, 2], [1, 2, 1, None])
    assert r.n_used == 2
    assert r.n_dropped == 2


@pytest.mark.parametrize(
    ("r1", "r2", "levels"),
    [
        ([1, 2], [1], None),
        ([1, 2], [1, 4], [1, 2, 3]),
        ([1, "a"], [1, 2], None),
        ([1, 2], [1, 2], [1, 1]),
        ([None, None], [None, 1], None),
    ],
)
def test_bad_input(r1, r2, levels):
    with pytest.raises(StatisticsError):
        cohen_kappa(r1, r2, levels)
