"""Likert totals (reverse items, missing-data rule), BSES-SF scorer, interview tag counts,
and validation of answers."""

from __future__ import annotations

from fractions import Fraction

import pytest

from laktasi.instruments import registry
from laktasi.instruments.scoring import AnswerError, normalise_answers, score

SUPPORT = registry.get("family_support")
CONFIDENCE = registry.get("breastfeeding_confidence")
BSES = registry.get("bses_sf")
INTERVIEW = registry.get("sociocultural_interview")


def test_reverse_items_are_scored_min_plus_max_minus_value():
    reverse = {it.id for it in SUPPORT.items if it.reverse}
    assert reverse == {"f02_indifferent", "f07_advise_other_fluids", "f10_doubt_milk"}
    best = {it.id: (1 if it.reverse else 5) for it in SUPPORT.items}
    result = score(SUPPORT, best)
    assert result.score == 50
    assert result.score_pct == 100.0
    all_fives = score(SUPPORT, dict.fromkeys(SUPPORT.item_ids, 5))
    assert all_fives.score == 7 * 5 + 3 * 1
    assert all_fives.details["rule"]["reverse_items"] == sorted(reverse, key=SUPPORT.item_ids.index)
    assert all_fives.category is None
    assert all_fives.category_label("id") == ""


def test_subscales_report_means_per_dimension():
    result = score(SUPPORT, dict.fromkeys(SUPPORT.item_ids, 4))
    subs = result.details["subscales"]
    assert subs["instrumental"] == {"items": 3, "answered": 3, "mean": 4.0, "sum_answered": 12}
    assert subs["emotional"]["mean"] == 3.0  # 4 and reversed 2


def test_missing_items_are_prorated_up_to_the_limit():
    answers = dict.fromkeys(CONFIDENCE.item_ids, 4)
    answers["c01_refuse_other_fluids"] = 5
    del answers["c12_two_years"]
    result = score(CONFIDENCE, answers)
    assert result.score == Fraction(45, 11) * 12  # mean of 11 answered × 12
    assert result.details["prorated"] is True
    assert not result.complete
    del answers["c11_relax"]
    assert score(CONFIDENCE, answers).score == 4 * 12 + Fraction(12, 10)
    del answers["c10_work_separation"]
    too_many = score(CONFIDENCE, answers)
    assert too_many.score is None
    assert too_many.score_pct is None


def test_missing_rule_is_configurable():
    answers = dict.fromkeys(CONFIDENCE.item_ids, 3)
    del answers["c12_two_years"]
    strict = score(CONFIDENCE, answers, rules={"missing": {"max_missing": 0}})
    assert strict.score is None
    assert "no missing item allowed" in strict.details["rule_text"]


def test_bses_sf_totals_range_from_14_to_70_and_needs_every_item():
    assert score(BSES, dict.fromkeys(BSES.item_ids, 1)).score == 14
    full = score(BSES, dict.fromkeys(BSES.item_ids, 5))
    assert full.score == 70
    assert full.details["min_total"] == 14
    assert full.details["max_total"] == 70
    answers = dict.fromkeys(BSES.item_ids, 3)
    del answers["bses_14"]
    partial = score(BSES, answers)
    assert partial.score is None
    assert partial.missing_items == ("bses_14",)


def test_likert_values_outside_the_scale_are_rejected():
    with pytest.raises(AnswerError) as exc:
        score(BSES, {"bses_01": 6})
    assert exc.value.item_id == "bses_01"
    assert exc.value.message_id == "Nilai 6 di luar rentang 1–5."
    assert exc.value.message_en == "Value 6 is outside the range 1–5."
    assert isinstance(exc.value, ValueError)
    with pytest.raises(AnswerError):
        score(BSES, {"bses_01": True})


def test_likert_bands_can_be_added_by_a_programme():
    rules = {"bands": [{"code": "high", "min_total": 50, "label": {"id": "Tinggi", "en": "High"}},
                       {"code": "low", "min_total": 0, "label": {"id": "Rendah", "en": "Low"}}]}  # fmt: skip
    answers = dict.fromkeys(BSES.item_ids, 4)  # 56
    result = score(BSES, answers, rules=rules)
    assert result.category == "high"
    assert result.category_label("id") == "Tinggi"


def interview_answers() -> dict[str, object]:
    return {
        "prelacteal_given": "yes",
        "prelacteal_types": ["honey", "formula", "rice_water"],
        "prelacteal_advised_by": "grandmother husband",  # ODK space-separated form
        "colostrum_given": "part_discarded",
        "colostrum_belief": "dirty_stale",
        "formula_use": "sometimes",
        "formula_reasons": ["milk_not_enough", "free_sample_promotion"],
        "formula_spending_month": "150000",
        "formula_cost_burden": "heavy",
        "feeding_decider": "grandmother",
        "mother_work": "not_working",
        "home_helpers": ["husband"],
        "massage_at_home": "no",
        "food_taboos": "no",
        "other_beliefs": "Kopi supaya bayi tidak kejang.",
    }


def test_interview_counts_theme_tags_and_gives_no_score():
    result = score(INTERVIEW, interview_answers())
    tags = result.details["tag_counts"]
    assert result.score is None
    assert result.category is None
    assert result.complete
    assert tags["prelacteal"] == 3  # three prelacteal questions answered
    assert tags["prelacteal_given"] == 1
    assert tags["prelacteal_sweet"] == 1
    assert tags["prelacteal_traditional"] == 1
    assert tags["formula"] == 4  # the formula option + 3 formula questions
    assert tags["family_influence"] == 3  # grandmother + husband (advised), grandmother decides
    assert tags["code_violation"] == 1
    assert tags["colostrum_discarded"] == 1
    assert tags["myth_colostrum"] == 1
    assert tags["economic"] == 2
    assert tags["economic_burden"] == 1
    assert "work_outside" not in tags


def test_interview_answers_are_normalised_for_storage():
    norm = normalise_answers(INTERVIEW, interview_answers())
    assert norm["prelacteal_advised_by"] == ("husband", "grandmother")  # choice order
    assert norm["formula_spending_month"] == 150000


def test_irrelevant_answers_are_ignored_and_listed():
    answers = {**interview_answers(), "formula_use": "never", "mother_work": "works_outside"}
    result = score(INTERVIEW, answers)
    assert result.details["ignored_irrelevant"] == [
        "formula_reasons",
        "formula_spending_month",
        "formula_cost_burden",
    ]
    assert result.missing_items == ("return_to_work", "workplace_lactation_support")


def test_exclusive_choice_cannot_be_combined():
    with pytest.raises(AnswerError) as exc:
        score(INTERVIEW, {"home_helpers": ["nobody", "husband"]})
    assert exc.value.item_id == "home_helpers"
    assert "tidak boleh digabung" in exc.value.message_id


@pytest.mark.parametrize(
    ("answers", "item_id", "fragment_en"),
    [
        ({"unknown_item": "yes"}, "unknown_item", "is not part of instrument"),
        ({"prelacteal_given": "maybe"}, "prelacteal_given", "Unknown choice 'maybe'"),
        ({"formula_spending_month": -5}, "formula_spending_month", "outside the range"),
        ({"formula_spending_month": "lots"}, "formula_spending_month", "not a whole number"),
        ({"prelacteal_types": {"honey": 1}}, "prelacteal_types", "list of choices"),
        ({"other_beliefs": 12}, "other_beliefs", "must be text"),
    ],
)
def test_bad_answers_raise_bilingual_answer_errors(answers, item_id, fragment_en):
    with pytest.raises(AnswerError) as exc:
        score(INTERVIEW, answers)
    assert exc.value.item_id == item_id
    assert fragment_en in exc.value.message_en
    assert exc.value.message_id
    assert exc.value.message_id != exc.value.message_en


def test_form_metadata_keys_and_blank_values_are_ignored():
    answers = {"mother_id": "LK-ABCD2345", "timepoint": "pre", "followup_number": None,
               "other_beliefs": "  ", "prelacteal_given": None}  # fmt: skip
    assert normalise_answers(INTERVIEW, answers) == {}
