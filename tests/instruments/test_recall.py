"""24-hour recall classification (WHO/UNICEF 2021), as a table of cases."""

from __future__ import annotations

import pytest

from laktasi.instruments import registry
from laktasi.instruments.recall import classify
from laktasi.instruments.scoring import score

RECALL = registry.get("feeding_recall_24h")
FOODS = [it.id for it in RECALL.items if it.recall_class and it.id != "breastfed_yesterday"]


def recall(breastfed: str, *given: str, age: int = 3) -> dict[str, object]:
    answers: dict[str, object] = {f: ("yes" if f in given else "no") for f in FOODS}
    answers.update(breastfed_yesterday=breastfed, child_age_months=age)
    return answers


CASES = [
    # (breastfed, given yesterday, status, flags)
    ("yes", (), "exclusive", []),
    ("yes", ("ors",), "exclusive", []),
    ("yes", ("vitamin_mineral_drops", "medicines"), "exclusive", []),
    ("yes", ("plain_water",), "predominant", []),
    ("yes", ("tea_coffee_herbal",), "predominant", ["prelacteal_like"]),  # jamu breaks it
    ("yes", ("honey_sugar_water", "ors"), "predominant", ["prelacteal_like"]),
    ("yes", ("rice_water",), "predominant", ["prelacteal_like"]),
    ("yes", ("juice", "clear_broth", "other_liquids"), "predominant", []),
    ("yes", ("infant_formula",), "mixed_milk", ["formula_or_animal_milk"]),
    ("yes", ("animal_milk", "solid_foods"), "mixed_milk", ["formula_or_animal_milk"]),
    ("yes", ("solid_foods",), "partial", []),
    ("yes", ("solid_foods", "plain_water"), "partial", []),
    ("yes", ("yogurt_drink",), "partial", []),
    ("no", (), "not_breastfed", []),
    ("no", ("infant_formula", "plain_water"), "not_breastfed", ["formula_or_animal_milk"]),
]


@pytest.mark.parametrize(("breastfed", "given", "status", "flags"), CASES)
def test_recall_classification_table(breastfed, given, status, flags):
    result = score(RECALL, recall(breastfed, *given))
    assert result.category == status
    assert result.details["status"] == status
    assert result.details["flags"] == flags
    assert result.details["ebf"] == (status == "exclusive")
    assert result.details["mixmf"] == (status == "mixed_milk")
    assert result.score is None
    assert result.complete
    assert result.category_label("en")


def test_age_window_of_the_who_indicator():
    assert score(RECALL, recall("yes", age=5)).details["in_ebf_age_window"] is True
    assert score(RECALL, recall("yes", age=6)).details["in_ebf_age_window"] is False


def test_status_is_reported_only_when_missing_answers_cannot_change_it():
    formula = recall("yes", "infant_formula")
    del formula["solid_foods"], formula["plain_water"]
    assert score(RECALL, formula).category == "mixed_milk"  # nothing can change that
    open_case = recall("yes")
    del open_case["plain_water"]
    result = score(RECALL, open_case)
    assert result.category is None
    assert not result.complete
    assert result.details["ebf"] is None
    assert result.details["unknown_items"] == ["plain_water"]
    no_bf = recall("yes")
    del no_bf["breastfed_yesterday"]
    assert score(RECALL, no_bf).category is None


def test_classify_precedence():
    assert classify(True, {"allowed"}) == "exclusive"
    assert classify(True, {"water", "solid", "non_human_milk"}) == "mixed_milk"
    assert classify(False, {"allowed"}) == "not_breastfed"
