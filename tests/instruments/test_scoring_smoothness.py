"""Kelancaran ASI: signs met / signs assessed against a configurable rule."""

from __future__ import annotations

from fractions import Fraction

import pytest

from laktasi.instruments import registry
from laktasi.instruments.scoring import score

SMOOTH = registry.get("milk_smoothness", "1")  # v1 rules; v2 in test_instrument_versions_v2.py
SIGNS = [it.id for it in SMOOTH.items if it.type == "sign"]


def signs(age: int | None, yes: int, no: int, not_assessed: int = 0) -> dict:
    values = ["yes"] * yes + ["no"] * no + ["not_assessed"] * not_assessed
    answers = dict(zip(SIGNS, values, strict=False))
    if age is not None:
        answers["baby_age_days"] = age
    return answers


@pytest.mark.parametrize(
    ("yes", "no", "not_assessed", "category"),
    [
        (5, 5, 0, "lancar"),  # exactly 1/2
        (4, 6, 0, "belum_lancar"),
        (3, 2, 5, "lancar"),  # 3/5: not-assessed signs are left out
        (2, 3, 5, "belum_lancar"),
        (1, 0, 9, "lancar"),
    ],
)
def test_default_rule_is_half_of_assessed_signs(yes, no, not_assessed, category):
    result = score(SMOOTH, signs(30, yes, no, not_assessed))
    assert result.category == category
    assert result.score == Fraction(yes, yes + no)
    assert result.details["signs_met"] == yes
    assert result.details["signs_assessed"] == yes + no
    assert result.details["rule"] == {"type": "ratio", "threshold": "1/2"}
    assert result.complete


def test_labels():
    result = score(SMOOTH, signs(30, 10, 0))
    assert (result.category_label("id"), result.category_label("en")) == (
        "Lancar",
        "Flowing well",
    )


def test_age_gated_signs_are_left_out_for_young_babies():
    answers = {"baby_age_days": 3, **dict.fromkeys(SIGNS, "yes")}
    del answers["m_milk_came_in"], answers["b_yellow_stools"]  # not asked before day 4 / 5
    answers["b_feeds_8_12"] = answers["b_urine_6"] = answers["b_weight_on_track"] = "no"
    result = score(SMOOTH, answers)
    assert result.details["excluded_by_age"] == ["m_milk_came_in", "b_yellow_stools"]
    assert result.details["signs_assessed"] == 8
    assert result.category == "lancar"  # 5/8
    assert result.complete
    assert result.details["baby_age_days"] == 3


def test_no_assessed_sign_gives_no_category():
    result = score(SMOOTH, signs(30, 0, 0, 10))
    assert result.score is None
    assert result.category is None
    assert result.details["signs_assessed"] == 0


def test_missing_age_is_incomplete():
    result = score(SMOOTH, signs(None, 10, 0))
    assert not result.complete
    assert "baby_age_days" in result.missing_items


def test_programme_may_use_a_stricter_ratio_or_a_count():
    answers = signs(30, 6, 4)
    assert score(SMOOTH, answers).category == "lancar"
    strict = score(SMOOTH, answers, rules={"threshold": "2/3"})
    assert strict.category == "belum_lancar"
    assert strict.details["rule"] == {"type": "ratio", "threshold": "2/3"}
    count = score(SMOOTH, signs(30, 5, 0, 5), rules={"min_met": 6})
    assert count.category == "belum_lancar"
    assert count.details["rule"] == {"type": "min_met", "min_met": 6}
    assert "at least 6 signs" in count.details["rule_text"]


@pytest.mark.parametrize("rules", [{"threshold": 0}, {"threshold": "3/2"}, {"min_met": 0}])
def test_invalid_smoothness_rules_are_rejected(rules):
    with pytest.raises(ValueError, match="threshold|min_met"):
        score(SMOOTH, signs(30, 5, 5), rules=rules)
