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

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Any

from laktasi.instruments import recall
from laktasi.instruments.registry import (
    NOT_ASSESSED,
    RESERVED_NAMES,
    Band,
    InstrumentDefinition,
    Item,
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


class AnswerError(ValueError):
    """An answer is invalid: unknown item or value out of range.

    ``item_id``, ``message_id`` (Indonesian) and ``message_en`` (English) are attributes.
    """

    def __init__(self, item_id: str, message_id: str, message_en: str):
        self.item_id = item_id
        self.message_id = message_id
        self.message_en = message_en
        super().__init__(f"{item_id}: {message_en} / {message_id}")


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


# ---------------------------------------------------------------------------- helpers


def percent(numerator: int | Fraction, denominator: int | Fraction) -> Fraction:
    """Exact percentage ``numerator / denominator * 100`` as a Fraction."""
    return Fraction(numerator) * 100 / Fraction(denominator)


def band_for(value: Fraction | int, bands: Sequence[Band]) -> Band:
    """Return the first band (highest first) whose ``min`` is <= ``value`` (exact comparison).

    With the default Arikunto bands: >= 76 Baik, >= 56 Cukup, otherwise Kurang.
    """
    value = Fraction(value)
    num, den = value.numerator, value.denominator
    for band in bands:
        # value >= band.min by cross-multiplying (exact, and faster than Fraction's compare)
        if num * band.min.denominator >= band.min.numerator * den:
            return band
    return bands[-1]


def _fmt(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else str(value)


def _as_int(item: Item, value: Any) -> int:
    if isinstance(value, bool) or (isinstance(value, float) and value.is_integer()):
        value = int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if not isinstance(value, int):
        raise AnswerError(
            item.id, f"Nilai {value!r} bukan bilangan bulat.", f"{value!r} is not a whole number."
        )
    return value


def _in_range(item: Item, value: int, lo: int, hi: int) -> int:
    if not lo <= value <= hi:
        raise AnswerError(
            item.id,
            f"Nilai {value} di luar rentang {lo}–{hi}.",
            f"Value {value} is outside the range {lo}–{hi}.",
        )
    return value


def _choice(item: Item, value: Any) -> str:
    if isinstance(value, bool) and item.type in ("true_false", "yes_no"):
        value = {"true_false": ("false", "true"), "yes_no": ("no", "yes")}[item.type][value]
    if not isinstance(value, str) or value not in item.choice_names:
        allowed = ", ".join(item.choice_names)
        raise AnswerError(
            item.id,
            f"Pilihan {value!r} tidak dikenal; pilihan yang boleh: {allowed}.",
            f"Unknown choice {value!r}; allowed: {allowed}.",
        )
    return value


def _multi(item: Item, value: Any) -> tuple[str, ...] | None:
    names = value.split() if isinstance(value, str) else value
    if not isinstance(names, Iterable) or isinstance(names, Mapping):
        raise AnswerError(
            item.id, "Jawaban harus berupa daftar pilihan.", "Expected a list of choices."
        )
    chosen = {_choice(item, v) for v in names}
    if not chosen:
        return None
    exclusive = [c.name for c in item.choices if c.exclusive and c.name in chosen]
    if exclusive and len(chosen) > 1:
        raise AnswerError(
            item.id,
            f"Pilihan '{exclusive[0]}' tidak boleh digabung dengan pilihan lain.",
            f"Choice '{exclusive[0]}' cannot be combined with other choices.",
        )
    return tuple(n for n in item.choice_names if n in chosen)


def _normalise_value(definition: InstrumentDefinition, item: Item, value: Any) -> Any:  # noqa: C901 (one branch per answer type)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if item.type in ("true_false", "yes_no", "sign", "select_one"):
        return _choice(item, value.strip() if isinstance(value, str) else value)
    if item.type == "select_multiple":
        return _multi(item, value)
    if item.type == "step":
        if item.allow_not_assessed and value == NOT_ASSESSED:
            return NOT_ASSESSED
        return _in_range(item, _as_int(item, value), 0, definition.scoring["top_level"])
    if item.type == "likert":
        if isinstance(value, bool):
            raise AnswerError(
                item.id, "Nilai skala harus angka.", "A scale value must be a number."
            )
        lo, hi = definition.scale_min, definition.scale_max
        return _in_range(item, _as_int(item, value), lo, hi)
    if item.type == "integer":
        if isinstance(value, bool):
            raise AnswerError(item.id, "Nilai harus angka.", "The value must be a number.")
        return _in_range(item, _as_int(item, value), item.min, item.max)
    if not isinstance(value, str):
        raise AnswerError(item.id, "Jawaban harus berupa teks.", "The answer must be text.")
    return value.strip()


def normalise_answers(definition: InstrumentDefinition, answers: Mapping[str, Any]) -> dict:
    """Validate ``answers`` and return them in canonical form (unanswered items omitted).

    Raises AnswerError for an unknown item id or an out-of-range value.
    """
    if not isinstance(answers, Mapping):
        raise TypeError("answers must be a mapping of item id to value")
    items = definition.item_map
    out = {}
    for key, value in answers.items():
        if key in RESERVED_NAMES:
            continue
        item = items.get(key)
        if item is None:
            raise AnswerError(
                str(key),
                f"Butir '{key}' tidak ada dalam instrumen {definition.id} v{definition.version}.",
                f"Item '{key}' is not part of instrument {definition.id} v{definition.version}.",
            )
        norm = _normalise_value(definition, item, value)
        if norm is not None:
            out[key] = norm
    return out


def is_relevant(item: Item, answers: Mapping[str, Any]) -> bool:
    """Evaluate the item's relevance condition; a missing referenced answer means False."""
    cond = item.relevant
    if cond is None:
        return True
    value = answers.get(cond.item)
    if value is None:
        return False
    if cond.op == "equals":
        return value == cond.value
    if cond.op == "not_equals":
        return value != cond.value
    if cond.op == "selected":
        return cond.value in value
    return value >= cond.value


def _missing(definition: InstrumentDefinition, answers: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(
        it.id
        for it in definition.items
        if it.required and it.id not in answers and is_relevant(it, answers)
    )


# ---------------------------------------------------------------------------- kind scorers


def _rule_knowledge(defn, rules):
    bands = rules["bands"]
    rule = {
        "method": "percent_correct",
        "bands": [{"code": b.code, "min_pct": _fmt(b.min)} for b in bands],
        "missing": rules["missing"],
    }
    text = (
        "score = correct / items × 100 (exact); "
        + ", ".join(f"{b.code} ≥ {_fmt(b.min)}%" for b in bands)
        + ("; unanswered = wrong" if rules["missing"] == "count_as_zero" else "")
    )
    return rule, text


def _score_knowledge(defn, answers, rules, missing, rule):
    total = len(defn.items)
    correct = []
    wrong = []
    for item_id, expected in _answer_key(defn):
        value = answers.get(item_id)
        if value == expected:
            correct.append(item_id)
        elif value is not None:
            wrong.append(item_id)
    details = {
        "correct": len(correct),
        "total": total,
        "answered": len(answers),
        "incorrect_items": wrong,
        "rule": rule.rule,
        "rule_text": rule.text,
    }
    if missing and rules["missing"] == "require_complete":
        return None, None, details
    outcome = rule.memo.get(len(correct))
    if outcome is None:
        value = Fraction(len(correct), total)
        outcome = rule.memo[len(correct)] = (value, band_for(value * 100, rules["bands"]))
    return *outcome, details


@lru_cache(maxsize=64)
def _answer_key(defn: InstrumentDefinition) -> tuple[tuple[str, str], ...]:
    return tuple((it.id, "true" if it.key else "false") for it in defn.items)


def _rule_checklist(defn, rules):
    rule = {
        "scale": rules["scale"],
        "min_pct": _fmt(rules["min_pct"]),
        "critical_must_pass": rules["critical_must_pass"],
        "critical_items": list(rules["critical_items"]),
        "critical_pass_level": rules["critical_pass_level"],
        "missing": rules["missing"],
    }
    text = (
        f"kompeten if score ≥ {_fmt(rules['min_pct'])}%"
        + (" and no critical step missed" if rules["critical_must_pass"] else "")
        + "; otherwise belum_kompeten"
        + (
            "; steps marked not assessed are left out of the score"
            if any(it.allow_not_assessed for it in defn.items)
            else ""
        )
    )
    return rule, text


def _score_checklist(defn, answers, rules, missing, rule):
    """Points over the assessed steps only: a step marked NOT_ASSESSED (allowed for some
    steps in group or clothed practice) leaves both the points and the maximum."""
    top = rules["top_level"]
    assessed = [it for it in defn.items if answers.get(it.id) != NOT_ASSESSED]
    points = sum(answers.get(it.id, 0) for it in assessed)
    maximum = top * len(assessed)
    pass_level = rules["critical_pass_level"]
    missed_critical = [
        i for i in rules["critical_items"] if _step_points(answers.get(i, 0)) < pass_level
    ]
    details = {
        "points": points,
        "max_points": maximum,
        "not_done_items": [it.id for it in assessed if answers.get(it.id, 0) < top],
        "not_assessed_items": [it.id for it in defn.items if it not in assessed],
        "missed_critical": missed_critical,
        "rule": rule.rule,
        "rule_text": rule.text,
    }
    if not maximum:
        return None, None, details
    if missing and rules["missing"] == "require_complete":
        return None, None, details
    value = Fraction(points, maximum)
    ok = value * 100 >= rules["min_pct"] and not (rules["critical_must_pass"] and missed_critical)
    return value, "kompeten" if ok else "belum_kompeten", details


def _step_points(value: Any) -> int:
    """A step's points; NOT_ASSESSED counts 0 where a step must have been assessed."""
    return 0 if value == NOT_ASSESSED else int(value or 0)


def _rule_smoothness(defn, rules):
    if rules["rule"] == "ratio":
        rule = {"type": "ratio", "threshold": _fmt(rules["threshold"])}
        text = f"lancar if signs met / signs assessed ≥ {_fmt(rules['threshold'])}"
    else:
        rule = {"type": "min_met", "min_met": rules["min_met"]}
        text = f"lancar if at least {rules['min_met']} signs are met"
    return rule, text + "; 'not assessed' and age-gated signs are left out"


def _score_smoothness(defn, answers, rules, missing, rule):
    met, assessed, not_assessed, excluded = [], [], [], []
    for it in defn.items:
        if it.type != "sign":
            continue
        value = answers.get(it.id)
        if not is_relevant(it, answers):
            excluded.append(it.id)
        elif value in ("yes", "no"):
            assessed.append(it.id)
            if value == "yes":
                met.append(it.id)
        else:
            not_assessed.append(it.id)
    details = {
        "signs_met": len(met),
        "signs_assessed": len(assessed),
        "met_items": met,
        "not_assessed_items": not_assessed,
        "excluded_by_age": excluded,
        "baby_age_days": answers.get(rules["age_item"]),
        "rule": rule.rule,
        "rule_text": rule.text,
    }
    if not assessed:
        return None, None, details
    value = Fraction(len(met), len(assessed))
    ok = value >= rules["threshold"] if rules["rule"] == "ratio" else len(met) >= rules["min_met"]
    return value, "lancar" if ok else "belum_lancar", details


def _scored_values(defn: InstrumentDefinition, answers: Mapping, item_ids) -> list[int]:
    """Answered values of ``item_ids``, reverse items already flipped (min + max - x)."""
    lo, hi = defn.scale_min, defn.scale_max
    return [
        lo + hi - answers[i] if defn.item(i).reverse else answers[i]
        for i in item_ids
        if i in answers
    ]


def _likert_rule_text(defn: InstrumentDefinition, rules: Mapping[str, Any]) -> str:
    n, lo, hi = len(defn.items), defn.scale_min, defn.scale_max
    text = f"total = sum of {n} items scored {lo}–{hi}"
    if any(it.reverse for it in defn.items):
        text += f" (reverse items: {lo}+{hi}−x)"
    if rules["max_missing"]:
        return text + f"; with 1–{rules['max_missing']} missing, prorated (mean × {n})"
    return text + "; no missing item allowed"


def _rule_likert(defn, rules):
    rule = {
        "method": "sum",
        "reverse_items": [it.id for it in defn.items if it.reverse],
        "max_missing": rules["max_missing"],
        "missing_method": rules["missing_method"],
        "bands": [{"code": b.code, "min_total": _fmt(b.min)} for b in rules["bands"]],
    }
    return rule, _likert_rule_text(defn, rules)


def _score_likert(defn, answers, rules, missing, rule):
    ids = defn.item_ids
    n, lo, hi = len(ids), defn.scale_min, defn.scale_max
    values = _scored_values(defn, answers, ids)
    total = None
    if values and n - len(values) <= rules["max_missing"]:
        total = Fraction(sum(values)) * n / len(values)  # prorated; = the sum when complete
    answered = len(values)
    subs = {}
    for name, (_label, sub_ids) in rules["subscales"].items():
        vals = _scored_values(defn, answers, sub_ids)
        subs[name] = {
            "items": len(sub_ids),
            "answered": len(vals),
            "mean": round(sum(vals) / len(vals), 3) if vals else None,
            "sum_answered": sum(vals) if vals else None,
        }
    details = {
        "total": None if total is None else _fmt(total),
        "min_total": lo * n,
        "max_total": hi * n,
        "answered": answered,
        "items": n,
        "prorated": total is not None and answered < n,
        "mean": None if total is None else round(float(total) / n, 3),
        "pct_of_max": None if total is None else round(float(total * 100 / (hi * n)), 2),
        "subscales": subs,
        "rule": rule.rule,
        "rule_text": rule.text,
    }
    band = band_for(total, rules["bands"]) if total is not None and rules["bands"] else None
    return total, band, details


def _rule_interview(defn, rules):
    return (
        {"method": "tag_counts"},
        "no score; counts the tags of answered questions and chosen options",
    )


def _score_interview(defn, answers, rules, missing, rule):
    tags: Counter[str] = Counter()
    ignored = []
    for it in defn.items:
        value = answers.get(it.id)
        if value is None:
            continue
        if not is_relevant(it, answers):
            ignored.append(it.id)
            continue
        tags.update(it.tags)
        chosen = value if it.type == "select_multiple" else (value,)
        if it.choices:
            for name in chosen:
                tags.update(it.choice(name).tags)
    details = {
        "tag_counts": dict(sorted(tags.items())),
        "answered": len(answers) - len(ignored),
        "ignored_irrelevant": ignored,
        "rule": rule.rule,
        "rule_text": rule.text,
    }
    return None, None, details


_SCORERS = {
    "knowledge": (_rule_knowledge, _score_knowledge),
    "checklist": (_rule_checklist, _score_checklist),
    "smoothness": (_rule_smoothness, _score_smoothness),
    "likert": (_rule_likert, _score_likert),
    "interview": (_rule_interview, _score_interview),
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
            make_rule, self._score = _SCORERS[definition.kind]
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
        missing = _missing(definition, norm)
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
