"""Knowledge test: percent correct and Arikunto bands, compared as exact fractions."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laktasi.instruments import registry
from laktasi.instruments.registry import RulesError
from laktasi.instruments.scoring import band_for, percent, score
from tests.instruments.helpers import subset

KNOWLEDGE = registry.get("knowledge_test")


def answers_with(definition, n_correct: int) -> dict[str, str]:
    """The first n_correct items right, the rest wrong."""
    return {
        it.id: ("true" if it.key == (i < n_correct) else "false")
        for i, it in enumerate(definition.items)
    }


@pytest.mark.parametrize(
    ("n_items", "n_correct", "category"),
    [
        (10, 7, "cukup"),  # 70 %
        (10, 8, "baik"),  # 80 %
        (15, 11, "cukup"),  # 73.3 %
        (15, 12, "baik"),  # 80 %
        (25, 14, "cukup"),  # 56 % exactly: the lower edge of Cukup
        (25, 13, "kurang"),  # 52 %
        (25, 19, "baik"),  # 76 % exactly: the lower edge of Baik
        (25, 18, "cukup"),  # 72 %
        (25, 25, "baik"),
        (25, 0, "kurang"),
    ],
)
def test_arikunto_boundaries(n_items, n_correct, category):
    definition = subset(KNOWLEDGE, list(KNOWLEDGE.item_ids[:n_items]))
    result = score(definition, answers_with(definition, n_correct))
    assert result.category == category
    assert result.score == Fraction(n_correct, n_items)
    assert result.details["correct"] == n_correct
    assert result.details["total"] == n_items
    assert result.complete


def test_labels_and_display_percentage():
    result = score(KNOWLEDGE, answers_with(KNOWLEDGE, 14))
    assert result.score_pct == pytest.approx(56.0)
    assert result.category_label("id") == "Cukup"
    assert result.category_label("en") == "Fair"
    assert result.details["rule"]["bands"][0] == {"code": "baik", "min_pct": "76"}
    json.dumps(result.details)
    json.dumps(result.to_dict())


@given(n=st.integers(min_value=1, max_value=60), data=st.data())
@settings(max_examples=300, derandomize=True, deadline=None)
def test_band_for_matches_integer_arithmetic(n, data):
    k = data.draw(st.integers(min_value=0, max_value=n))
    code = band_for(percent(k, n), KNOWLEDGE.scoring["bands"]).code
    expected = "baik" if 100 * k >= 76 * n else "cukup" if 100 * k >= 56 * n else "kurang"
    assert code == expected


def test_programme_band_override_with_labels_inherited():
    variant = {
        "bands": [
            {"code": "baik", "min_pct": 76},
            {"code": "cukup", "min_pct": 60},
            {"code": "kurang", "min_pct": 0},
        ]
    }
    fifteen = answers_with(KNOWLEDGE, 15)  # 60 %
    fourteen = answers_with(KNOWLEDGE, 14)  # 56 %
    assert score(KNOWLEDGE, fifteen, rules=variant).category == "cukup"
    result = score(KNOWLEDGE, fourteen, rules=variant)
    assert result.category == "kurang"
    assert result.category_label("id") == "Kurang"
    assert result.details["rule"]["bands"][1] == {"code": "cukup", "min_pct": "60"}
    assert score(KNOWLEDGE, fourteen).category == "cukup"  # the default is untouched


def test_band_thresholds_may_be_fractional_strings():
    rules = {"bands": [{"code": "baik", "min_pct": "75.5"}, {"code": "kurang", "min_pct": 0}]}
    definition = subset(KNOWLEDGE, list(KNOWLEDGE.item_ids[:4]))
    assert score(definition, answers_with(definition, 3), rules=rules).category == "kurang"


@pytest.mark.parametrize(
    "rules",
    [
        {"bands": []},
        {"bands": [{"code": "baik", "min_pct": 76}]},
        {"bands": [{"code": "new", "min_pct": 50}, {"code": "kurang", "min_pct": 0}]},
        {"bands": [{"code": "baik", "min_pct": "a/b"}, {"code": "kurang", "min_pct": 0}]},
        {"bands": [{"code": "baik", "min_pct": True}, {"code": "kurang", "min_pct": 0}]},
        {"colour": "red"},
    ],
)
def test_invalid_band_override_is_rejected(rules):
    with pytest.raises(RulesError):
        score(KNOWLEDGE, answers_with(KNOWLEDGE, 20), rules=rules)


def test_unanswered_items_count_as_wrong_but_mark_incomplete():
    answers = answers_with(KNOWLEDGE, 25)
    del answers["k01_ebf_definition"], answers["k02_medicines_ors_allowed"]
    result = score(KNOWLEDGE, answers)
    assert result.score == Fraction(23, 25)
    assert not result.complete
    assert result.missing_items == ("k01_ebf_definition", "k02_medicines_ors_allowed")
    strict = score(KNOWLEDGE, answers, rules={"missing": "require_complete"})
    assert strict.score is None
    assert strict.category is None
    assert strict.score_pct is None
    assert strict.category_label("id") == ""


def test_booleans_and_odk_strings_are_accepted():
    as_bool = {it.id: it.key for it in KNOWLEDGE.items}
    assert score(KNOWLEDGE, as_bool).score == 1
