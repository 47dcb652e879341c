"""Instrument versions from the content review: v2 changes, v1 kept for old responses.

milk_smoothness v2 age-gates the urine sign (M1); the massage checklist v2 screens for reasons
not to massage and lets group/clothed practice mark s04/s06 "not assessed" (M11); the Marmet
checklist v2 allows m13 "not assessed" and states a female observer (L14) with the checklist
labelled a synthesis [U] (L15); the recall v2 names susu kental manis and air kelapa (M13).
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from laktasi.instruments import registry
from laktasi.instruments.registry import NOT_ASSESSED, InstrumentDefinitionError
from laktasi.instruments.scoring import AnswerError, agreement_pairs, score
from laktasi.instruments.xlsform import build_sheets
from tests.instruments.helpers import minimal, write_definition

OXY = registry.get("oxytocin_massage_checklist", "2")
MARMET = registry.get("marmet_checklist", "2")
SMOOTH_V1 = registry.get("milk_smoothness", "1")
SMOOTH_V2 = registry.get("milk_smoothness", "2")


def _steps(definition, missed=(), not_assessed=()):
    return {
        it.id: NOT_ASSESSED if it.id in not_assessed else (0 if it.id in missed else 1)
        for it in definition.items
    }


def test_latest_versions_are_v2_and_v1_stays_loadable():
    for iid in ("milk_smoothness", "oxytocin_massage_checklist", "marmet_checklist",
                "feeding_recall_24h"):  # fmt: skip
        assert registry.get(iid).version == "2"
        assert registry.get(iid, "1").version == "1"


# ------------------------------------------------------------- milk smoothness (M1)


def _signs(definition, age):
    answers = {"baby_age_days": age}
    answers.update({it.id: "yes" for it in definition.items if it.type == "sign"})
    answers["b_urine_6"] = "no"
    return answers


def test_urine_sign_is_not_asked_before_day_five_in_v2_only():
    young = score(SMOOTH_V2, _signs(SMOOTH_V2, 3))
    assert "b_urine_6" in young.details["excluded_by_age"]
    assert young.details["signs_met"] == young.details["signs_assessed"]
    old = score(SMOOTH_V1, _signs(SMOOTH_V1, 3))  # v1 responses keep v1's rule
    assert "b_urine_6" not in old.details["excluded_by_age"]
    assert old.details["signs_met"] == old.details["signs_assessed"] - 1


def test_urine_sign_counts_from_age_five_days():
    result = score(SMOOTH_V2, _signs(SMOOTH_V2, 5))
    assert "b_urine_6" not in result.details["excluded_by_age"]
    assert result.details["signs_met"] == result.details["signs_assessed"] - 1


# ------------------------------------------------------------- massage checklist (M11)


def test_massage_checklist_v2_screens_first_and_it_is_critical():
    first = OXY.items[0]
    assert first.id == "s00_screen_cautions"
    assert first.critical
    assert "tidak boleh dipijat" in first.label.id
    assert "hamil" in first.label.id
    result = score(OXY, _steps(OXY, missed=["s00_screen_cautions"]))
    assert result.category == "belum_kompeten"
    assert result.details["missed_critical"] == ["s00_screen_cautions"]


def test_s04_is_about_privacy_and_only_s04_s06_may_be_not_assessed():
    assert "privasi" in OXY.item("s04_privacy_back_bare").label.id
    optional = [it.id for it in OXY.items if it.allow_not_assessed]
    assert optional == ["s04_privacy_back_bare", "s06_oil"]
    with pytest.raises(AnswerError):
        score(OXY, _steps(OXY, not_assessed=["s07_start_neck_beside_spine"]))


def test_competence_counts_only_assessed_steps():
    # 16 steps; clothed group practice: s04 and s06 not assessed -> 14 assessed
    clothed = ["s04_privacy_back_bare", "s06_oil"]
    non_critical = [it.id for it in OXY.items if not it.critical and it.id not in clothed]
    three_missed = score(OXY, _steps(OXY, missed=non_critical[:3], not_assessed=clothed))
    assert three_missed.score == Fraction(11, 14)  # 78.6 %: competent
    assert three_missed.category == "kompeten"
    assert three_missed.details["max_points"] == 14
    assert three_missed.details["not_assessed_items"] == clothed
    four_missed = score(OXY, _steps(OXY, missed=non_critical[:4], not_assessed=clothed))
    assert four_missed.score == Fraction(10, 14)  # 71.4 %
    assert four_missed.category == "belum_kompeten"
    # counting "not assessed" as not done would have failed the three-missed observation
    as_zero = score(OXY, _steps(OXY, missed=[*non_critical[:3], *clothed]))
    assert as_zero.score == Fraction(11, 16)
    assert as_zero.category == "belum_kompeten"


def test_not_assessed_pairs_are_left_out_of_observer_agreement():
    a = _steps(OXY, not_assessed=["s06_oil"])
    b = _steps(OXY)
    pairs = agreement_pairs(a, b, OXY)
    assert pairs["s06_oil"] == ([], [])
    assert pairs["s05_position"] == ([1], [1])


def test_xlsform_offers_not_assessed_only_for_optional_steps():
    sheets = build_sheets(OXY)
    types = {row["name"]: row["type"] for row in sheets["survey"] if "name" in row}
    assert types["s06_oil"] == "select_one step_binary_na"
    assert types["s07_start_neck_beside_spine"] == "select_one step_binary"
    na = [c["name"] for c in sheets["choices"] if c["list_name"] == "step_binary_na"]
    assert na == ["1", "0", NOT_ASSESSED]


def test_a_critical_step_cannot_allow_not_assessed(tmp_path):
    data = minimal("checklist")
    data["items"][0]["allow_not_assessed"] = True  # s1 is the critical step
    path = write_definition(tmp_path, data)
    with pytest.raises(InstrumentDefinitionError, match="critical step must always be assessed"):
        registry.load_file(path)


def test_not_assessed_is_refused_on_other_kinds(tmp_path):
    data = minimal("smoothness")
    data["items"][1]["allow_not_assessed"] = True
    with pytest.raises(InstrumentDefinitionError, match="only for checklist steps"):
        registry.load_file(write_definition(tmp_path, data))


# ------------------------------------------------------------- Marmet checklist (L14, L15)


def test_marmet_v2_female_observer_m13_optional_and_confidence_u():
    assert "perempuan" in MARMET.description_text.id
    assert "woman" in MARMET.description_text.en
    assert [it.id for it in MARMET.items if it.allow_not_assessed] == ["m13_alternate_breasts"]
    assert {it.confidence for it in MARMET.items} == {"U"}
    assert registry.get("marmet_checklist", "1").item("m01_wash_hands").confidence == "S2"
    result = score(MARMET, _steps(MARMET, not_assessed=["m13_alternate_breasts"]))
    assert result.category == "kompeten"
    assert result.details["max_points"] == 14


# ------------------------------------------------------------- 24-hour recall (M13)


def test_recall_v2_names_condensed_milk_and_coconut_water_and_relabels_partial():
    recall = registry.get("feeding_recall_24h", "2")
    assert "susu kental manis" in recall.item("animal_milk").label.id
    assert "air kelapa" in recall.item("other_liquids").label.id
    partial = recall.scoring["categories"]["partial"]
    assert partial.id == "ASI + makanan / minuman berbahan susu (tanpa formula)"
    assert "kategori program" in recall.scoring["categories"]["predominant"].id
    # the classification is unchanged between versions
    v1 = registry.get("feeding_recall_24h", "1")
    assert [(i.id, i.recall_class) for i in v1.items] == [
        (i.id, i.recall_class) for i in recall.items
    ]
