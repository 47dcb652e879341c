"""Frequency tables (correct rounding, largest remainder) and the printed-percentage check."""

from __future__ import annotations

import pytest

from laktasi.stats import StatisticsError, check_reported_percentages, frequency_table

LEVELS = ["Kurang", "Cukup", "Baik"]


def test_article_before_table():
    t = frequency_table([8, 5, 2], LEVELS)
    assert [r.rounded for r in t.rows] == [53.3, 33.3, 13.3]
    # remainders tie (all .333): the extra 0.1 goes to the largest count
    assert [r.largest_remainder for r in t.rows] == [53.4, 33.3, 13.3]
    assert t.rounded_sum == 99.9
    assert not t.rounded_sums_to_100
    assert t.warnings
    assert "99,9 %" in t.describe("id")
    assert "99.9%" in t.describe("en")


def test_article_after_table():
    t = frequency_table([1, 4, 10], LEVELS)
    assert [r.rounded for r in t.rows] == [6.7, 26.7, 66.7]
    assert t.rounded_sum == 100.1
    assert [r.largest_remainder for r in t.rows] == [6.6, 26.7, 66.7]


def test_half_away_from_zero_not_half_even():
    # 1/8 = 12.5 %; 1/80 = 1.25 %: half-even would print 12 and 1.2
    t = frequency_table([1, 7], decimals=0)
    assert [r.rounded for r in t.rows] == [13.0, 88.0]
    t = frequency_table([1, 79], decimals=1)
    assert t.rows[0].rounded == 1.3


def test_remainder_tie_goes_to_earlier_label_when_counts_equal():
    t = frequency_table([1, 1, 1], ["a", "b", "c"])
    assert [r.largest_remainder for r in t.rows] == [33.4, 33.3, 33.3]
    assert t.labels == ("a", "b", "c")


def test_exact_table_has_no_note():
    t = frequency_table([1, 1, 2])
    assert t.rounded_sums_to_100
    assert t.warnings == ()
    assert t.labels == ("1", "2", "3")
    assert [r.percent for r in t.rows] == [25.0, 25.0, 50.0]


def test_zero_count_and_decimals():
    t = frequency_table([0, 3], decimals=2)
    assert [r.rounded for r in t.rows] == [0.0, 100.0]
    t = frequency_table([1, 2], decimals=2)
    assert [r.rounded for r in t.rows] == [33.33, 66.67]


def test_check_article_before():
    c = check_reported_percentages([8, 5, 2], [53.4, 33.3, 13.5], labels=LEVELS)
    kurang, cukup, baik = c.items
    assert cukup.correct
    assert not kurang.correct
    assert kurang.expected == 53.3
    assert kurang.from_rounding
    assert kurang.matches_largest_remainder
    assert not baik.correct
    assert baik.expected == 13.3
    assert not baik.from_rounding
    assert not baik.matches_largest_remainder
    assert [d.label for d in c.discrepancies] == ["Kurang", "Baik"]
    assert (c.n_incorrect, c.n_impossible) == (2, 1)
    assert "13,5 %" in c.describe("id")
    assert "tidak bisa" in c.describe("id")
    assert "cannot come from any rounding" in c.describe("en")


def test_check_article_after_decimal_comma_strings():
    c = check_reported_percentages([1, 4, 10], ["6,6", "26,7 %", "66,7"], labels=LEVELS)
    (d,) = c.discrepancies
    assert d.label == "Kurang"
    assert d.reported == 6.6
    assert d.expected == 6.7
    assert d.from_rounding
    assert d.matches_largest_remainder
    assert c.n_impossible == 0
    assert c.warnings == ()


def test_check_skips_none_and_all_correct():
    c = check_reported_percentages([8, 5, 2], [None, 33.3, 13.3])
    assert c.n_checked == 2
    assert not c.discrepancies
    assert "2" in c.describe("en")


@pytest.mark.parametrize(
    ("counts", "kwargs"),
    [
        ([], {}),
        ([0, 0], {}),
        ([1, -1], {}),
        ([1.5, 2], {}),
        ([True, 2], {}),
        ("12", {}),
        ([1, 2], {"labels": ["a"]}),
        ([1, 2], {"labels": ["a", "a"]}),
        ([1, 2], {"decimals": -1}),
        ([1, 2], {"decimals": 1.5}),
    ],
)
def test_frequency_table_rejects(counts, kwargs):
    with pytest.raises(StatisticsError):
        frequency_table(counts, **kwargs)


@pytest.mark.parametrize(
    "reported",
    [[53.4, 33.3], [53.33, 33.3, 13.3], ["abc", 1, 2], [101, 0, 0], [None, None, None], "53"],
)
def test_check_rejects(reported):
    with pytest.raises(StatisticsError):
        check_reported_percentages([8, 5, 2], reported)


def test_float_counts_that_are_whole_are_accepted():
    assert frequency_table([8.0, 7]).total == 15
