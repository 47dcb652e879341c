"""Skills checklists: score %, critical steps, the competence rule, two observers."""

from __future__ import annotations

from fractions import Fraction

import pytest

from laktasi.instruments import registry
from laktasi.instruments.scoring import AnswerError, agreement_pairs, score
from tests.instruments.helpers import write_definition

OXY = registry.get("oxytocin_massage_checklist", "1")  # v2: test_instrument_versions_v2.py
MARMET = registry.get("marmet_checklist")


def done_except(definition, *missed: str) -> dict[str, int]:
    return {it.id: (0 if it.id in missed else 1) for it in definition.items}


def test_all_steps_done_is_competent():
    result = score(OXY, done_except(OXY))
    assert result.category == "kompeten"
    assert result.score == 1
    assert result.category_label("en") == "Competent"
    assert result.details["missed_critical"] == []


def test_a_missed_critical_step_means_not_yet_competent_whatever_the_total():
    result = score(OXY, done_except(OXY, "s07_start_neck_beside_spine"))
    assert result.score == Fraction(14, 15)
    assert result.category == "belum_kompeten"
    assert result.category_label("id") == "Belum kompeten"
    assert result.details["missed_critical"] == ["s07_start_neck_beside_spine"]


def test_threshold_is_75_percent_of_steps():
    non_critical = [it.id for it in OXY.items if not it.critical]
    assert score(OXY, done_except(OXY, *non_critical[:3])).category == "kompeten"  # 12/15 = 80 %
    low = score(OXY, done_except(OXY, *non_critical[:4]))  # 11/15 = 73.3 %
    assert low.category == "belum_kompeten"
    assert low.details["missed_critical"] == []


def test_rule_used_is_recorded():
    rule = score(MARMET, done_except(MARMET)).details["rule"]
    assert rule == {
        "scale": "binary",
        "min_pct": "75",
        "critical_must_pass": True,
        "critical_items": [
            "m07_c_hold",
            "m08_placement",
            "m09_push_back",
            "m10_roll_forward",
            "m14_no_squeeze_slide_pull",
        ],
        "critical_pass_level": 1,
        "missing": "count_as_zero",
    }


def test_programme_may_change_threshold_and_critical_rule():
    non_critical = [it.id for it in OXY.items if not it.critical]
    twelve = done_except(OXY, *non_critical[:3])  # 80 %
    assert score(OXY, twelve, rules={"min_pct": "80.1"}).category == "belum_kompeten"
    critical_missed = done_except(OXY, "s09_small_circles_firm_comfortable")
    relaxed = score(OXY, critical_missed, rules={"critical_must_pass": False})
    assert relaxed.category == "kompeten"
    assert relaxed.details["rule"]["critical_must_pass"] is False
    own = score(OXY, critical_missed, rules={"critical_items": ["s01_explain_consent"]})
    assert own.category == "kompeten"


def test_scale_cannot_be_overridden():
    with pytest.raises(ValueError, match="fixed by the definition version"):
        score(OXY, done_except(OXY), rules={"scale": "three_level"})


def test_unobserved_step_counts_as_not_done_and_marks_incomplete():
    answers = done_except(OXY)
    del answers["s15_feed_wash_record"]
    result = score(OXY, answers)
    assert result.score == Fraction(14, 15)
    assert not result.complete
    assert result.missing_items == ("s15_feed_wash_record",)


def test_out_of_range_step_value_is_rejected_in_both_languages():
    with pytest.raises(AnswerError) as exc:
        score(OXY, {**done_except(OXY), "s01_explain_consent": 2})
    assert exc.value.item_id == "s01_explain_consent"
    assert "rentang 0–1" in exc.value.message_id
    assert "range 0–1" in exc.value.message_en


def test_three_level_scoring_needs_critical_steps_done_correctly(tmp_path, mini):
    definition = registry.load_file(write_definition(tmp_path, mini("checklist")))
    # s1 is critical; 2 = done correctly, 1 = done but incomplete, 0 = not done
    partly = {"s1": 1, "s2": 2, "s3": 2, "s4": 2}
    result = score(definition, partly)
    assert result.score == Fraction(7, 8)
    assert result.category == "belum_kompeten"
    assert result.details["missed_critical"] == ["s1"]
    lenient = score(definition, partly, rules={"critical_pass_level": 1})
    assert lenient.category == "kompeten"
    exactly_75 = score(definition, {"s1": 2, "s2": 2, "s3": 1, "s4": 1})
    assert exactly_75.score == Fraction(3, 4)
    assert exactly_75.category == "kompeten"
    assert definition.item("s1").choice_names == ("2", "1", "0")


def test_agreement_pairs_line_up_two_observers_item_by_item():
    a1, b1 = done_except(MARMET), done_except(MARMET, "m07_c_hold")
    a2, b2 = done_except(MARMET, "m03_relaxed_position"), done_except(MARMET)
    del b2["m15_label_store"]
    pairs = agreement_pairs([a1, a2], [b1, b2], MARMET)
    assert list(pairs) == list(MARMET.item_ids)
    assert pairs["m07_c_hold"] == ([1, 1], [0, 1])
    assert pairs["m03_relaxed_position"] == ([1, 0], [1, 1])
    assert pairs["m15_label_store"] == ([1], [1])  # the unanswered pair is left out
    single = agreement_pairs(a1, b1, MARMET)
    assert single["m07_c_hold"] == ([1], [0])
    with pytest.raises(ValueError, match="same number"):
        agreement_pairs([a1], [b1, b2], MARMET)
