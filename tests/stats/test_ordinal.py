"""paired_ordinal against R (R 4.2.2).

``sm(x)`` is DescTools::StuartMaxwellTest (its code, DescTools 0.99.x, run in plain R);
Bowker is ``mcnemar.test(x)``; Wilcoxon is
``wilcox.test(after_codes, before_codes, paired=TRUE, exact=FALSE, correct=TRUE)``.
Tables are written row by row here (rows before, columns after); in R they were built as
``matrix(c(...), nrow=3)`` column by column.
"""

from __future__ import annotations

import numpy as np
import pytest

from laktasi.stats import StatisticsError, paired_ordinal, paired_ordinal_from_table

LEVELS = ["Kurang", "Cukup", "Baik"]
REL = 1e-6


def expand(table, levels):
    before, after = [], []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            before += [levels[i]] * count
            after += [levels[j]] * count
    return before, after


R_REFS = [
    # R: x <- matrix(c(20,3,0,10,30,5,5,15,40), nrow=3)   (DescTools example "hyp")
    (
        [[20, 10, 5], [3, 30, 15], [0, 5, 40]],
        (13.76470588235294, 2, 0.0010257277265580749),  # R: sm(x)
        (13.76923076923077, 3, 0.0032367065032354483),  # R: mcnemar.test(x)
        (605, 0.00021738974350486704),  # R: wilcox.test(...)$statistic, $p.value
    ),
    # R: x <- matrix(c(1,0,0,4,0,0,3,5,2), nrow=3)   (an article-margins table)
    (
        [[1, 4, 3], [0, 0, 5], [0, 0, 2]],
        (10.723404255319151, 2, 0.0046929113712336499),
        (12, 3, 0.0073831605053597711),
        (78, 0.0014961642897455506),
    ),
    # R: x <- matrix(c(0,0,1,0,3,1,8,2,0), nrow=3)   (one pair of cells empty: R Bowker NaN)
    (
        [[0, 0, 8], [0, 3, 2], [1, 1, 0]],
        (5.7777777777777777, 2, 0.055637998277842812),
        None,
        (68, 0.018741136789596678),
    ),
]


@pytest.mark.parametrize(("table", "sm", "bowker", "wilcox"), R_REFS)
def test_matches_r(table, sm, bowker, wilcox):
    before, after = expand(table, LEVELS)
    r = paired_ordinal(before, after, LEVELS)
    assert r.table == tuple(tuple(row) for row in table)
    assert r.stuart_maxwell.statistic == pytest.approx(sm[0], rel=REL)
    assert r.stuart_maxwell.df == sm[1]
    assert r.stuart_maxwell.p_value == pytest.approx(sm[2], rel=REL)
    if bowker is not None:
        assert r.bowker.statistic == pytest.approx(bowker[0], rel=REL)
        assert r.bowker.df == bowker[1]
        assert r.bowker.p_value == pytest.approx(bowker[2], rel=REL)
    assert r.wilcoxon.statistic_v == wilcox[0]
    assert r.wilcoxon.p_value == pytest.approx(wilcox[1], rel=REL)
    assert not r.wilcoxon.exact
    assert "continuity" in r.wilcoxon.method


def test_bowker_leaves_out_empty_cell_pairs():
    r = paired_ordinal_from_table([[0, 0, 8], [0, 3, 2], [1, 1, 0]], LEVELS)
    # pairs (K,C): 0+0 empty; (K,B): (8-1)^2/9; (C,B): (2-1)^2/3 -> 49/9 + 1/3 on 2 df
    assert r.bowker.statistic == pytest.approx(49 / 9 + 1 / 3)
    assert r.bowker.df == 2
    assert "left out" in r.bowker.note


def test_category_without_change_is_dropped_as_desctools():
    # R: sm(matrix(c(5,1,0,0, 2,4,0,0, 0,0,3,0, 0,0,0,0), nrow=4)) -> 0.3333333, df 1,
    #    p 0.56370286165077299; wilcox.test(...) V = 4, p = 0.77282999268444752
    table = [[5, 2, 0, 0], [1, 4, 0, 0], [0, 0, 3, 0], [0, 0, 0, 0]]
    r = paired_ordinal_from_table(table, ["a", "b", "c", "d"])
    assert r.stuart_maxwell.statistic == pytest.approx(1 / 3, rel=REL)
    assert r.stuart_maxwell.df == 1
    assert r.stuart_maxwell.p_value == pytest.approx(0.56370286165077299, rel=REL)
    assert "c, d" in r.stuart_maxwell.note
    assert any("dropped" in w for w in r.warnings)
    assert r.wilcoxon.statistic_v == 4
    assert r.wilcoxon.p_value == pytest.approx(0.77282999268444752, rel=REL)


def test_disconnected_categories_use_generalised_inverse():
    # a<->b and c<->d exchange people but never across: DescTools' solve() fails here.
    # The two blocks are independent McNemar-type comparisons: (3-1)^2/4 + (4-0)^2/4 on 2 df
    table = [[2, 3, 0, 0], [1, 2, 0, 0], [0, 0, 1, 4], [0, 0, 0, 1]]
    r = paired_ordinal_from_table(table, list("abcd"))
    assert r.stuart_maxwell.df == 2
    assert r.stuart_maxwell.statistic == pytest.approx(1 + 4)


def test_counts_and_effect_size():
    table = [[1, 4, 3], [0, 0, 5], [0, 0, 2]]
    r = paired_ordinal_from_table(table, LEVELS)
    assert (r.improved, r.unchanged, r.worsened) == (12, 3, 0)
    assert r.rank_biserial == 1.0
    assert r.before_counts == (8, 5, 2)
    assert r.after_counts == (1, 4, 10)
    assert r.before_percent == (53.3, 33.3, 13.3)
    assert r.after_percent == (6.7, 26.7, 66.7)
    text = r.describe("id")
    assert "12 membaik" in text
    assert "Kurang 53,3 %" in text
    assert "12 improved" in r.describe("en")


def test_nobody_changed():
    r = paired_ordinal(["Baik", "Cukup"], ["Baik", "Cukup"], LEVELS)
    assert r.stuart_maxwell.p_value == 1.0
    assert r.stuart_maxwell.df == 0
    assert r.bowker.p_value == 1.0
    assert r.wilcoxon.p_value == 1.0
    assert r.rank_biserial is None
    assert any("no pair changed" in w for w in r.warnings)
    assert "p = 1" in r.describe("en")


def test_missing_and_numpy_labels():
    before = np.array(["Kurang", "Cukup", "Baik", "Cukup"])
    after = ["Cukup", None, "Baik", "Baik"]
    r = paired_ordinal(before, after, LEVELS)
    assert r.n_used == 3
    assert r.n_dropped == 1
    assert r.improved == 2


def test_numeric_levels():
    r = paired_ordinal([1, 2, 3, np.nan], [2, 2, 3, 1], [1, 2, 3])
    assert r.n_used == 3
    assert r.improved == 1


@pytest.mark.parametrize(
    ("before", "after", "levels", "message"),
    [
        (["Kurang"], ["Baik", "Baik"], LEVELS, "same length"),
        (["Kurang", "Jelek"], ["Baik", "Baik"], LEVELS, "Jelek"),
        (["Kurang", "Baik"], ["Baik", "Baik"], ["Kurang"], "at least two"),
        (["Kurang", "Baik"], ["Baik", "Baik"], ["Kurang", "Kurang", "Baik"], "distinct"),
        (["Kurang", "Baik"], ["Baik", "Baik"], "KB", "list"),
        ([None, "Baik"], ["Baik", None], LEVELS, "every pair"),
        (["Baik"], ["Baik"], LEVELS, "only one"),
    ],
)
def test_bad_input(before, after, levels, message):
    with pytest.raises(StatisticsError, match=message):
        paired_ordinal(before, after, levels)


def test_bad_table():
    with pytest.raises(StatisticsError):
        paired_ordinal_from_table([[1, -1], [0, 2]], ["a", "b"])
    with pytest.raises(StatisticsError):
        paired_ordinal_from_table([[1, 0], [0, 2]], ["a", "b", "c"])
