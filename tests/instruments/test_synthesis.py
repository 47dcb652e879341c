"""Demo answers: they reach the requested category through the real scorer."""

from __future__ import annotations

import json
import random
from collections import Counter

import pytest

from laktasi.instruments import registry
from laktasi.instruments.registry import CATEGORY_CODES
from laktasi.instruments.scoring import score
from laktasi.instruments.synthesis import (
    ARTICLE_MARGINS,
    answers_for,
    article_cohort,
    paired_targets,
)
from tests.instruments.helpers import all_definitions

KNOWLEDGE = registry.get("knowledge_test")
SMOOTH = registry.get("milk_smoothness")


@pytest.mark.parametrize("seed", range(8))
def test_article_cohort_reproduces_the_published_margins(seed):
    cohort = article_cohort(rng=random.Random(seed), knowledge=KNOWLEDGE, smoothness=SMOOTH)
    assert len(cohort) == 15
    for definition in (KNOWLEDGE, SMOOTH):
        for timepoint in ("pre", "post"):
            counts = Counter(
                score(definition, mother[definition.id][timepoint]).category for mother in cohort
            )
            assert counts == Counter(ARTICLE_MARGINS[definition.id][timepoint])


def test_article_cohort_is_deterministic_for_a_seed():
    first = article_cohort(rng=random.Random(42), knowledge=KNOWLEDGE, smoothness=SMOOTH)
    again = article_cohort(rng=random.Random(42), knowledge=KNOWLEDGE, smoothness=SMOOTH)
    assert first == again
    for mother in first:
        ages = [mother[SMOOTH.id][tp]["baby_age_days"] for tp in ("pre", "post")]
        assert ages[1] == ages[0] + 7


def test_pairing_keeps_margins_and_nobody_gets_worse():
    order = ("kurang", "cukup", "baik")
    margins = ARTICLE_MARGINS["knowledge_test"]
    pairs = paired_targets(margins["pre"], margins["post"], order=order, rng=random.Random(0))
    assert Counter(p for p, _ in pairs) == Counter(margins["pre"])
    assert Counter(q for _, q in pairs) == Counter(margins["post"])
    assert all(order.index(q) >= order.index(p) for p, q in pairs)


def _targets(definition) -> list[str | None]:
    if definition.kind == "knowledge":
        return [b.code for b in definition.scoring["bands"]]
    return list(CATEGORY_CODES.get(definition.kind, (None,)))


@pytest.mark.parametrize("definition", all_definitions(), ids=lambda d: d.id)
def test_every_category_of_every_instrument_can_be_synthesised(definition):
    for target in _targets(definition):
        for seed in range(10):
            answers = answers_for(definition, target, rng=random.Random(seed))
            result = score(definition, answers)
            assert result.category == target
            assert result.complete
            json.dumps(answers)
            json.dumps(result.to_dict())


def test_rules_and_fixed_answers_are_respected():
    strict = {"min_pct": 90}
    oxy = registry.get("oxytocin_massage_checklist")
    answers = answers_for(oxy, "kompeten", rng=random.Random(1), rules=strict)
    assert score(oxy, answers, rules=strict).category == "kompeten"
    smooth = answers_for(SMOOTH, "lancar", rng=random.Random(1), fixed={"baby_age_days": 2})
    assert smooth["baby_age_days"] == 2
    assert "b_yellow_stools" not in smooth


def test_unreachable_target_raises():
    bands = {"bands": [{"code": "baik", "min_pct": 100}, {"code": "cukup", "min_pct": 99},
                       {"code": "kurang", "min_pct": 0}]}  # fmt: skip
    with pytest.raises(ValueError, match="cannot synthesise knowledge_test answers for .cukup."):
        answers_for(KNOWLEDGE, "cukup", rng=random.Random(0), rules=bands)


def test_unknown_target_lists_the_categories():
    with pytest.raises(ValueError, match="choose from"):
        answers_for(SMOOTH, "baik", rng=random.Random(0))
