"""A scoring rule in words, in the active language, from the structured rule a response's
``details["rule"]`` keeps (instruments/scoring.py). Reports print it in their own language; the
English ``details["rule_text"]`` stays in the data for the API and exports.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from laktasi.instruments.registry import InstrumentDefinition


def _lang() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id"


def _category(definition: InstrumentDefinition, code: str) -> str:
    """A category code's label (bands of a test, categories of a checklist)."""
    scoring = definition.scoring
    for band in scoring.get("bands") or ():
        if getattr(band, "code", None) == code:
            return band.label.get(_lang())
    label = (scoring.get("categories") or {}).get(code)
    return label.get(_lang()) if label is not None else code


def _percent_correct(definition, rule) -> str:
    bands = ", ".join(
        f"{_category(definition, b['code'])} ≥ {b['min_pct']} %" for b in rule.get("bands", ())
    )
    text = _("score = correct answers / items × 100 (exact); %(bands)s") % {"bands": bands}
    if rule.get("missing") == "count_as_zero":
        text += "; " + _("an unanswered item counts as wrong")
    return text


def _sum(definition, rule) -> str:
    items = len(definition.items)
    low, high = definition.scale_min, definition.scale_max
    text = _("total = sum of %(n)s items scored %(low)s–%(high)s") % {
        "n": items,
        "low": low,
        "high": high,
    }
    if rule.get("reverse_items"):
        text += " " + _("(reversed items: %(low)s + %(high)s − x)") % {"low": low, "high": high}
    if rule.get("max_missing"):
        text += "; " + _("with 1–%(k)s items missing, prorated (mean × %(n)s)") % {
            "k": rule["max_missing"],
            "n": items,
        }
    else:
        text += "; " + _("no missing item allowed")
    bands = rule.get("bands") or ()
    if bands:
        text += "; " + ", ".join(
            f"{_category(definition, b['code'])} ≥ {b['min_total']}" for b in bands
        )
    return text


def _checklist(definition, rule) -> str:
    text = _("%(yes)s if the score is at least %(pct)s %%") % {
        "yes": _category(definition, "kompeten"),
        "pct": rule.get("min_pct"),
    }
    if rule.get("critical_must_pass"):
        text += " " + _("and no critical step is missed")
    text += "; " + _("otherwise %(no)s") % {"no": _category(definition, "belum_kompeten")}
    if any(item.allow_not_assessed for item in definition.items):
        text += "; " + _("steps marked not assessed are left out of the score")
    return text


def _smoothness(definition, rule) -> str:
    smooth = _category(definition, "lancar")
    if rule.get("type") == "ratio":
        text = _("%(yes)s if signs met / signs assessed ≥ %(t)s") % {
            "yes": smooth,
            "t": rule.get("threshold"),
        }
    else:
        text = _("%(yes)s if at least %(k)s signs are met") % {
            "yes": smooth,
            "k": rule.get("min_met"),
        }
    return text + "; " + _("signs not assessed or outside the baby's age are left out")


def _recall(definition, rule) -> str:
    return _(
        "WHO/UNICEF 2021 previous-day recall; from the first that applies: not breastfed, "
        "mixed milk (formula or animal milk), partial (food, milk-based drinks), predominant "
        "(water, water-based or herbal drinks), exclusive (oral rehydration salts, vitamins, "
        "minerals and medicines allowed)"
    )


def _tags(definition, rule) -> str:
    return _("no score; counts the themes of the answers chosen")


_DESCRIBERS = {
    "percent_correct": _percent_correct,
    "sum": _sum,
    "who_unicef_2021": _recall,
    "tag_counts": _tags,
}


def rule_description(
    definition: InstrumentDefinition, rule: Mapping[str, Any] | None, fallback: str = ""
) -> str:
    """The rule in words, in the active language; ``fallback`` (the stored English text) for a
    rule this module does not know."""
    if not rule:
        return fallback
    if definition.kind == "checklist" or "critical_must_pass" in rule:
        return _checklist(definition, rule)
    if definition.kind == "smoothness" or rule.get("type") in {"ratio", "min_met"}:
        return _smoothness(definition, rule)
    describe = _DESCRIBERS.get(rule.get("method"))
    return describe(definition, rule) if describe else fallback
