"""Score answers to any instrument definition (one entry point: :func:`score`).

Scores are exact: percentages and thresholds are compared as ``fractions.Fraction``; floats
appear only in ``ScoreResult.score_pct`` for display. The rule used is recorded in
``details["rule"]`` (JSON-safe) and ``details["rule_text"]``.

Answer values (``answers`` maps item id to value; missing key or None = unanswered):

- true_false: ``"true"``/``"false"`` (or bool); yes_no: ``"yes"``/``"no"`` (or bool);
  sign: ``"yes"``/``"no"``/``"not_assessed"``; select_one: a choice name;
  select_multiple: a list of choice names or an ODK space-separated string;
  step: 0/1 (binary) or 0/1/2 (three-level); likert: an int in the scale range;
  integer: an int within the item's constraint; text: a string.
- Numeric strings are accepted (ODK submissions). The keys ``mother_id``, ``timepoint`` and
  ``followup_number`` (form metadata) are ignored.
- Anything else raises :class:`AnswerError` with the item id and Indonesian/English messages.

Plain Python: this module must not import Django.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from laktasi.instruments import recall
from laktasi.instruments.kinds import SCORERS, band_for, percent
from laktasi.instruments.normalise import AnswerError, is_relevant, missing_items, normalise_answers
from laktasi.instruments.registry import (
    NOT_ASSESSED,
    Band,
    InstrumentDefinition,
    RulesError,
    Text,
    effective_rules,
)

__all__ = [
    "AnswerError",
    "RulesError",
    "ScoreResult",
    "PreparedRule",
    "Scorer",
    "agreement_pairs",
    "band_for",
    "is_relevant",
    "normalise_answers",
    "percent",
    "score",
]


@dataclass(frozen=True)
class ScoreResult:
    """The outcome of :func:`score`. ``details`` and :meth:`to_dict` are JSON-safe."""

    instrument_id: str
    version: str
    kind: str
    score: Fraction | None
    category: str | None
    details: dict[str, Any]
    complete: bool
    missing_items: tuple[str, ...]
    category_labels: Text | None = field(default=None, repr=False)

    @property
    def score_pct(self) -> float | None:
        """``score`` as a percentage for display (None when there is no score)."""
        if self.score is None:
            return None
        return float(self.score * 100) if self.kind != "likert" else self.details["pct_of_max"]

    def category_label(self, lang: str = "id") -> str:
        """Human label of ``category`` in ``lang``; empty string when there is no category."""
        return self.category_labels.get(lang) if self.category_labels else ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict (the score as a "p/q" string) for storage next to a response."""
        return {
            "instrument_id": self.instrument_id,
            "version": self.version,
            "score": None if self.score is None else str(self.score),
            "score_pct": self.score_pct,
            "category": self.category,
            "complete": self.complete,
            "missing_items": list(self.missing_items),
            "details": self.details,
        }


# ---------------------------------------------------------------------------- public API


@dataclass(frozen=True)
class PreparedRule:
    """The rule as recorded in ``details`` (built once per Scorer) and a memo for scorers
    whose outcome depends on one count only (e.g. the number of correct answers)."""

    rule: dict[str, Any]
    text: str
    memo: dict[Any, Any] = field(default_factory=dict, compare=False)


class Scorer:
    """Scores many responses to one instrument under one set of rules.

    The rules are merged and checked once, and the parts of ``details`` that only depend on
    them (``rule``, ``rule_text``) are built once and shared by every result: treat them as
    read-only. ``score(definition, answers, rules=r)`` is ``Scorer(definition, r)(answers)``.
    """

    def __init__(self, definition: InstrumentDefinition, rules: Mapping | None = None):
        self.definition = definition
        self.rules = effective_rules(definition, rules)
        if definition.kind == "recall":
            self.prepared_rule = PreparedRule({"method": "who_unicef_2021"}, "")
            self._score = None
        else:
            make_rule, self._score = SCORERS[definition.kind]
            self.prepared_rule = PreparedRule(*make_rule(definition, self.rules))

    def __call__(self, answers: Mapping[str, Any]) -> ScoreResult:
        """Score one response (answers are validated with :func:`normalise_answers`)."""
        return self.score_normalised(normalise_answers(self.definition, answers))

    def score_normalised(self, norm: Mapping[str, Any]) -> ScoreResult:
        """Score answers that are already the output of :func:`normalise_answers`.

        For callers that validate item by item (the importer converts each distinct cell
        value once) and would otherwise normalise every row twice.
        """
        definition, rules = self.definition, self.rules
        missing = missing_items(definition, norm)
        if self._score is None:
            outcome = recall.evaluate(definition, norm)
            cat = outcome.status
            value, details = None, outcome.details(self.prepared_rule.rule)
        else:
            value, cat, details = self._score(definition, norm, rules, missing, self.prepared_rule)
        if isinstance(cat, Band):
            label, cat = cat.label, cat.code
        else:
            label = rules["categories"][cat] if cat else None
        return ScoreResult(
            instrument_id=definition.id,
            version=definition.version,
            kind=definition.kind,
            score=value,
            category=cat,
            details=details,
            complete=not missing,
            missing_items=missing,
            category_labels=label,
        )


def score(
    definition: InstrumentDefinition, answers: Mapping[str, Any], *, rules: Mapping | None = None
) -> ScoreResult:
    """Score one response.

    ``rules`` overrides the definition's scoring section per programme (e.g. other knowledge
    bands, another competence threshold); an invalid override raises RulesError.
    """
    return Scorer(definition, rules)(answers)


def agreement_pairs(
    resp_a_answers: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    resp_b_answers: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    definition: InstrumentDefinition,
) -> dict[str, tuple[list[Any], list[Any]]]:
    """Pair two observers' answers item by item, ready for ``laktasi.stats.cohen_kappa``.

    Pass one answers dict per observer, or two equally long lists of them (the same
    observations, in the same order). Returns ``{item_id: (values_a, values_b)}`` in item
    order; a pair is left out when either observer did not answer the item. Text and
    integer items are skipped (kappa needs categories).
    """
    list_a = [resp_a_answers] if isinstance(resp_a_answers, Mapping) else list(resp_a_answers)
    list_b = [resp_b_answers] if isinstance(resp_b_answers, Mapping) else list(resp_b_answers)
    if len(list_a) != len(list_b):
        raise ValueError("both observers must have the same number of observations")
    norm_a = [normalise_answers(definition, a) for a in list_a]
    norm_b = [normalise_answers(definition, b) for b in list_b]
    pairs: dict[str, tuple[list[Any], list[Any]]] = {}
    for it in definition.items:
        if it.type in ("text", "integer"):
            continue
        values_a, values_b = [], []
        for a, b in zip(norm_a, norm_b, strict=True):
            if it.id in a and it.id in b and NOT_ASSESSED not in (a[it.id], b[it.id]):
                values_a.append(a[it.id])
                values_b.append(b[it.id])
        pairs[it.id] = (values_a, values_b)
    return pairs
