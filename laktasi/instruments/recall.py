"""Previous-day (24-hour) feeding recall: classification after WHO/UNICEF 2021.

Each yes/no item of a recall definition carries a ``recall_class``:

- ``breast_milk``: breastfed yesterday (own mother, wet nurse, expressed or donor milk).
- ``allowed``: ORS, vitamin/mineral drops or syrups, medicines. They do NOT break exclusivity.
- ``water``: plain water.
- ``water_based``: juice, tea/coffee/herbal drinks (jamu), honey or sugar water, rice water
  (air tajin), clear broth, other water-based or ritual fluids.
- ``milk_based_liquid``: milk-based liquids other than formula/animal milk (yoghurt drinks).
- ``non_human_milk``: infant formula, animal milk.
- ``solid``: solid, semi-solid or soft food.

Status, checked in this order (first match wins):

1. ``not_breastfed``: not breastfed yesterday.
2. ``mixed_milk``: breast milk + formula and/or animal milk (the WHO/UNICEF 2021 MixMF
   numerator; solids do not matter).
3. ``partial``: breast milk + solid/semi-solid food or a milk-based liquid, but no formula or
   animal milk (laktasi's own label; not a WHO 2021 indicator).
4. ``predominant``: breast milk + water and/or water-based fluids (incl. herbal drinks, honey
   water, juice) and nothing else that breaks it (the older WHO "predominant breastfeeding"
   category, kept for programme feedback).
5. ``exclusive``: breast milk, optionally with ORS/vitamins/minerals/medicines only
   (the WHO/UNICEF 2021 EBF numerator).

A missing answer is treated as unknown: the status is reported only when it is the same
whatever the missing answers are (the order above is monotone, so checking the "all no" and
the "all yes" completions is enough).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from laktasi.instruments.registry import InstrumentDefinition

STATUSES = ("exclusive", "predominant", "partial", "mixed_milk", "not_breastfed")
EBF_AGE_MONTHS = range(0, 6)  # WHO/UNICEF 2021: infants 0-5 completed months


def classify(breastfed: bool, given_classes: Iterable[str]) -> str:
    """Classify one previous-day recall from 'breastfed' and the set of classes given."""
    given = set(given_classes)
    if not breastfed:
        return "not_breastfed"
    if "non_human_milk" in given:
        return "mixed_milk"
    if given & {"solid", "milk_based_liquid"}:
        return "partial"
    if given & {"water", "water_based"}:
        return "predominant"
    return "exclusive"


@dataclass(frozen=True)
class RecallOutcome:
    """Result of :func:`evaluate`; ``status`` is None when missing answers leave it open."""

    status: str | None
    breastfed: bool | None
    given: tuple[str, ...]
    given_classes: tuple[str, ...]
    flags: tuple[str, ...]
    unknown: tuple[str, ...]
    age_months: int | None

    def details(self, rule: Mapping[str, Any]) -> dict[str, Any]:
        """JSON-safe details for a ScoreResult."""
        in_window = None if self.age_months is None else self.age_months in EBF_AGE_MONTHS
        decided = self.status is not None
        return {
            "status": self.status,
            "breastfed_yesterday": self.breastfed,
            "given": list(self.given),
            "given_classes": list(self.given_classes),
            "unknown_items": list(self.unknown),
            "flags": list(self.flags),
            "ebf": (self.status == "exclusive") if decided else None,
            "mixmf": (self.status == "mixed_milk") if decided else None,
            "child_age_months": self.age_months,
            "in_ebf_age_window": in_window,
            "rule": dict(rule),
            "rule_text": (
                "WHO/UNICEF 2021 previous-day recall; order: not_breastfed > mixed_milk "
                "(formula/animal milk) > partial (food, milk-based liquids) > predominant "
                "(water, water-based/herbal fluids) > exclusive (ORS, vitamins, minerals, "
                "medicines allowed)"
            ),
        }


def evaluate(definition: InstrumentDefinition, answers: Mapping[str, Any]) -> RecallOutcome:
    """Classify normalised answers (``"yes"``/``"no"``, missing keys = unknown)."""
    rules = definition.scoring
    bf_item = rules["breastfed_item"]
    food = [it for it in definition.items if it.recall_class and it.id != bf_item]
    given = [it for it in food if answers.get(it.id) == "yes"]
    unknown = [it for it in food if answers.get(it.id) is None]
    bf = {"yes": True, "no": False}.get(answers.get(bf_item))
    low_classes = {it.recall_class for it in given}
    high_classes = low_classes | {it.recall_class for it in unknown}
    low = classify(True if bf is None else bf, low_classes)
    high = classify(False if bf is None else bf, high_classes)
    age = answers.get(rules["age_item"])
    return RecallOutcome(
        status=low if low == high else None,
        breastfed=bf,
        given=tuple(it.id for it in given),
        given_classes=tuple(sorted(low_classes)),
        flags=tuple(sorted({f for it in given for f in it.flags})),
        unknown=tuple(it.id for it in unknown) + (() if bf is not None else (bf_item,)),
        age_months=age,
    )
