"""Hake's normalised gain."""

from __future__ import annotations

import pytest

from laktasi.stats import StatisticsError, normalized_gain


def test_individual_and_group_gains():
    pre = [40, 30, 100, 60, None, 50]
    post = [82, 79, 100, 64, 70, 40]
    r = normalized_gain(pre, post)
    g = r.gains
    assert g[0] == pytest.approx(42 / 60)  # 0.7 exactly -> high
    assert g[1] == pytest.approx(49 / 70)  # 0.7 -> high (no float trouble at the boundary)
    assert g[2] is None  # already at the maximum: reported, not divided by zero
    assert g[3] == pytest.approx(0.1)
    assert g[4] is None  # missing
    assert g[5] == pytest.approx(-0.2)
    assert r.bands == ("high", "high", None, "low", None, "low")
    assert (r.n_high, r.n_medium, r.n_low) == (2, 0, 2)
    assert r.n_at_max == 1
    assert r.at_max_indices == (2,)
    assert r.n_used == 5
    assert r.n_dropped == 1
    assert r.mean_individual_gain == pytest.approx((0.7 + 0.7 + 0.1 - 0.2) / 4)
    mean_pre = (40 + 30 + 100 + 60 + 50) / 5
    mean_post = (82 + 79 + 100 + 64 + 40) / 5
    assert r.mean_pre == pytest.approx(mean_pre)
    assert r.gain_of_means == pytest.approx((mean_post - mean_pre) / (100 - mean_pre))
    assert r.gain_of_means_band == "medium"
    assert r.mean_individual_band == "medium"
    text = r.describe("id")
    assert "N-gain kelompok" in text
    assert "sedang" in text
    assert "maksimum" in text
    assert "maximum score" in r.describe("en")


def test_max_score_and_bands():
    r = normalized_gain([2, 4, 6], [9, 7, 7], max_score=10)
    assert r.gains == pytest.approx((7 / 8, 0.5, 0.25))
    assert r.bands == ("high", "medium", "low")
    assert r.max_score == 10


def test_everyone_at_max():
    r = normalized_gain([100, 100], [100, 90])
    assert r.mean_individual_gain is None
    assert r.gain_of_means is None
    assert r.n_at_max == 2
    assert "cannot" in r.describe("en")


@pytest.mark.parametrize(
    ("pre", "post", "kwargs"),
    [
        ([10, 20], [30], {}),
        ([10, 120], [30, 40], {}),
        ([-1, 20], [30, 40], {}),
        ([10, 20], [30, 40], {"max_score": 0}),
        ([10, 20], [30, 40], {"max_score": "x"}),
        ([None, 20], [30, None], {}),
    ],
)
def test_bad_input(pre, post, kwargs):
    with pytest.raises(StatisticsError):
        normalized_gain(pre, post, **kwargs)
