"""The scorers of each instrument kind (knowledge, checklist, smoothness, likert, interview):
per kind, the rule recorded in ``details`` and the score and category of one response.
:mod:`laktasi.instruments.scoring` picks one through ``SCORERS``.

Plain Python: this module must not import Django.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from fractions import Fraction
from functools import lru_cache
from typing import Any

from laktasi.instruments.normalise import is_relevant
from laktasi.instruments.registry import (
    NOT_ASSESSED,
    Band,
    InstrumentDefinition,
)

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


SCORERS = {
    "knowledge": (_rule_knowledge, _score_knowledge),
    "checklist": (_rule_checklist, _score_checklist),
    "smoothness": (_rule_smoothness, _score_smoothness),
    "likert": (_rule_likert, _score_likert),
    "interview": (_rule_interview, _score_interview),
}
