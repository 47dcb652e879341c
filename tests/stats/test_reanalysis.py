"""reanalyze(): the pure function behind the ``laktasi reanalyze`` command."""

from __future__ import annotations

import json

import pytest

from laktasi.stats import StatisticsError, reanalyze

LEVELS = ["Kurang", "Cukup", "Baik"]


def test_article_ordinal_with_printed_percentages():
    r = reanalyze(
        labels=LEVELS,
        before=[8, 5, 2],
        after=[1, 4, 10],
        reported_before=[53.4, 33.3, 13.5],
        reported_after=[6.6, 26.7, 66.7],
    )
    assert r.kind == "ordinal"
    assert r.bounds.n_tables == 33
    assert [x.label for x in r.before_check.discrepancies] == ["Kurang", "Baik"]
    assert [x.label for x in r.after_check.discrepancies] == ["Kurang"]
    assert any("cannot come from any rounding" in w for w in r.warnings)
    report = r.report("id")
    assert "53,3" in report
    assert "53,4 *" in report
    assert "13,5 !" in report
    assert "Jumlah tabel yang sesuai: 33" in report
    assert "tidak dapat" in report
    en = r.report("en")
    assert "Number of consistent tables: 33" in en
    assert "What it cannot show" in en
    assert "13.5% for 2/15" in r.describe("en")
    json.dumps(r.to_dict(), allow_nan=False)


def test_article_binary():
    r = reanalyze(n=15, before_yes=6, after_yes=13, labels=["Lancar", "Tidak lancar"])
    assert r.kind == "binary"
    assert r.bounds.n_tables == 3
    assert [row.rounded for row in r.before.rows] == [40.0, 60.0]
    assert [row.rounded for row in r.after.rows] == [86.7, 13.3]
    assert r.before_check is None
    report = r.report("en")
    assert "McNemar exact" in report
    assert "depends on the pairing" in report
    d = r.to_dict()
    assert d["bounds"]["exact"]["p_min"] == pytest.approx(0.015625)


def test_ordinal_without_labels():
    r = reanalyze(before=[3, 4], after=[1, 6])
    assert r.labels == ("1", "2")
    assert any("numbered" in w for w in r.warnings)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"n": 15, "before_yes": 6},
        {"n": 15, "before_yes": 6, "after_yes": 13, "before": [1, 2]},
        {"before": [1, 2]},
        {"n": 15, "before_yes": 6, "after_yes": 13, "labels": ["a", "b", "c"]},
        {"labels": LEVELS, "before": [8, 5, 2], "after": [1, 4, 11]},
        {"labels": LEVELS, "before": [8, 5, 2], "after": [1, 4, 10], "reported_before": [1, 2]},
    ],
)
def test_bad_input(kwargs):
    with pytest.raises(StatisticsError):
        reanalyze(**kwargs)
