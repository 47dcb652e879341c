"""Parse and validate scoring rules (from a definition file or a per-programme override).

Rules name existing items; numbers are parsed as exact Fractions ("76", "55.5", "1/2").
Problems raise :class:`RulesError`; the registry wraps them with the file name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from types import MappingProxyType
from typing import Any

from laktasi.instruments.definitions.model import (
    CATEGORY_CODES,
    LANGS,
    NAME_RE,
    Band,
    InstrumentDefinition,
    Item,
    RulesError,
    Text,
)


def to_fraction(value: Any, what: str) -> Fraction:
    """Parse an exact number: int, Fraction, or a string like "76", "55.5" or "1/2"."""
    if isinstance(value, bool) or not isinstance(value, int | str | Fraction | float):
        raise RulesError(f"{what} must be a number or a string like '1/2', got {value!r}")
    try:
        return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)
    except (ValueError, ZeroDivisionError) as exc:
        raise RulesError(f"{what}: not an exact number: {value!r}") from exc


def text_field(raw: Any, what: str) -> Text:
    """Parse ``{id: ..., en: ...}``: both languages present and non-empty, nothing else."""
    if not isinstance(raw, Mapping):
        raise RulesError(f"{what} must be a mapping with 'id' and 'en' texts")
    missing = [
        lang for lang in LANGS if not isinstance(raw.get(lang), str) or not raw[lang].strip()
    ]
    if missing:
        raise RulesError(f"{what} is missing the {' and '.join(missing)} text")
    extra = set(raw) - set(LANGS)
    if extra:
        raise RulesError(f"{what} has unknown languages {sorted(extra)}")
    return Text(id=raw["id"].strip(), en=raw["en"].strip())


def _band(entry: Any, i: int, key: str, known: Mapping[str, Text]) -> Band:
    """One band of a definition or override (band #i), its label given or inherited."""
    if isinstance(entry, Band):
        return entry
    if not isinstance(entry, Mapping) or "code" not in entry or key not in entry:
        raise RulesError(f"band #{i + 1} needs 'code' and '{key}'")
    code = entry["code"]
    if not isinstance(code, str) or not NAME_RE.match(code):
        raise RulesError(f"band #{i + 1}: bad code {code!r}")
    if "label" in entry:
        label = text_field(entry["label"], f"band '{code}' label")
    elif code in known:
        label = known[code]
    else:
        raise RulesError(f"band '{code}' needs a label (id and en)")
    return Band(code, to_fraction(entry[key], f"band '{code}' {key}"), label)


def parse_bands(raw: Any, key: str, inherit: Sequence[Band] = ()) -> tuple[Band, ...]:
    """Parse bands ordered from the highest; the last must start at 0; labels may be inherited."""
    if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
        raise RulesError("bands must be a non-empty list")
    known = {b.code: b.label for b in inherit}
    bands = [_band(entry, i, key, known) for i, entry in enumerate(raw)]
    codes = [b.code for b in bands]
    if len(set(codes)) != len(codes):
        raise RulesError(f"band codes must be unique: {codes}")
    if any(a.min <= b.min for a, b in zip(bands, bands[1:], strict=False)):
        raise RulesError(f"bands must be listed from the highest '{key}' down, strictly")
    if bands[-1].min > 0:
        raise RulesError(f"the last band must have {key}: 0")
    return tuple(bands)


def _categories(raw: Any, kind: str) -> Mapping[str, Text]:
    codes = CATEGORY_CODES[kind]
    if not isinstance(raw, Mapping) or set(raw) != set(codes):
        raise RulesError(f"categories must define exactly {list(codes)}")
    return MappingProxyType({c: text_field(raw[c], f"category '{c}' label") for c in codes})


def check_keys(raw: Mapping[str, Any], allowed: set[str], what: str) -> None:
    """Reject keys outside ``allowed`` (catches typos in definition files and overrides)."""
    extra = sorted(set(raw) - allowed)
    if extra:
        raise RulesError(f"unknown {what} key(s): {extra}; allowed: {sorted(allowed)}")


def bool_field(raw: Mapping[str, Any], key: str, default: bool) -> bool:
    """Read an optional true/false value; anything else is an error."""
    value = raw.get(key, default)
    if not isinstance(value, bool):
        raise RulesError(f"'{key}' must be true or false")
    return value


def _item_list(raw: Any, items: Sequence[Item], what: str) -> tuple[str, ...]:
    ids = {it.id for it in items}
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        raise RulesError(f"{what} must be a list of item ids")
    unknown = [x for x in raw if x not in ids]
    if unknown:
        raise RulesError(f"{what} names unknown item(s) {unknown}")
    return tuple(raw)


def _named_item(raw: Mapping[str, Any], key: str, items: Sequence[Item], types: tuple) -> str:
    name = raw.get(key)
    match = [it for it in items if it.id == name]
    if not match:
        raise RulesError(f"'{key}' names unknown item {name!r}")
    if match[0].type not in types:
        raise RulesError(f"'{key}' item {name!r} must be of type {'/'.join(types)}")
    return name


def _method(raw: Mapping[str, Any], expected: str) -> None:
    if raw.get("method", expected) != expected:
        raise RulesError(f"'method' must be {expected}")


def _missing_rule(raw: Mapping[str, Any]) -> str:
    missing = raw.get("missing", "count_as_zero")
    if missing not in ("count_as_zero", "require_complete"):
        raise RulesError("'missing' must be count_as_zero or require_complete")
    return missing


def _scoring_knowledge(raw: Mapping, items: Sequence[Item], base: Mapping | None) -> dict:
    check_keys(raw, {"method", "bands", "missing"}, "scoring")
    _method(raw, "percent_correct")
    inherit = base["bands"] if base else ()
    missing = _missing_rule(raw)
    return {"method": "percent_correct", "bands": parse_bands(raw.get("bands"), "min_pct", inherit),
            "missing": missing}  # fmt: skip


def _scoring_checklist(raw: Mapping, items: Sequence[Item], base: Mapping | None) -> dict:
    allowed = {"scale", "min_pct", "critical_must_pass", "critical_pass_level", "critical_items",
               "missing", "categories"}  # fmt: skip
    check_keys(raw, allowed, "scoring")
    scale = raw.get("scale", "binary")
    if scale not in ("binary", "three_level"):
        raise RulesError("'scale' must be binary or three_level")
    top = 1 if scale == "binary" else 2
    pass_level = raw.get("critical_pass_level", top)
    if isinstance(pass_level, bool) or pass_level not in range(1, top + 1):
        raise RulesError(f"'critical_pass_level' must be an integer from 1 to {top}")
    if "critical_items" in raw:
        critical = _item_list(raw["critical_items"], items, "'critical_items'")
    else:
        critical = tuple(it.id for it in items if it.critical)
    min_pct = to_fraction(raw.get("min_pct", 75), "'min_pct'")
    if not 0 <= min_pct <= 100:
        raise RulesError("'min_pct' must be between 0 and 100")
    missing = _missing_rule(raw)
    return {"scale": scale, "top_level": top, "min_pct": min_pct,
            "critical_must_pass": bool_field(raw, "critical_must_pass", True),
            "critical_pass_level": pass_level, "critical_items": critical, "missing": missing,
            "categories": _categories(raw.get("categories"), "checklist")}  # fmt: skip


def _scoring_smoothness(raw: Mapping, items: Sequence[Item], base: Mapping | None) -> dict:
    check_keys(raw, {"threshold", "min_met", "age_item", "categories"}, "scoring")
    if ("threshold" in raw) == ("min_met" in raw):
        raise RulesError(
            "give exactly one of 'threshold' (fraction of assessed signs) or 'min_met'"
        )
    out: dict[str, Any] = {"age_item": _named_item(raw, "age_item", items, ("integer",)),
                           "categories": _categories(raw.get("categories"), "smoothness")}  # fmt: skip
    if "threshold" in raw:
        threshold = to_fraction(raw["threshold"], "'threshold'")
        if not 0 < threshold <= 1:
            raise RulesError("'threshold' must be > 0 and <= 1")
        out.update(rule="ratio", threshold=threshold)
    else:
        min_met = raw["min_met"]
        if isinstance(min_met, bool) or not isinstance(min_met, int) or min_met < 1:
            raise RulesError("'min_met' must be a positive integer")
        out.update(rule="min_met", min_met=min_met)
    return out


def _scoring_likert(raw: Mapping, items: Sequence[Item], base: Mapping | None) -> dict:
    check_keys(raw, {"method", "missing", "subscales", "bands"}, "scoring")
    _method(raw, "sum")
    miss = raw.get("missing", {"max_missing": 0})
    if not isinstance(miss, Mapping):
        raise RulesError("'missing' must be a mapping with 'max_missing' (and 'method')")
    check_keys(miss, {"max_missing", "method"}, "missing")
    max_missing = miss.get("max_missing", 0)
    if isinstance(max_missing, bool) or not isinstance(max_missing, int):
        raise RulesError("'missing.max_missing' must be an integer")
    if not 0 <= max_missing < len(items):
        raise RulesError(f"'missing.max_missing' must be between 0 and {len(items) - 1}")
    method = miss.get("method", "prorate" if max_missing else "none")
    if method not in ("prorate", "none") or (method == "none" and max_missing):
        raise RulesError("'missing.method' must be prorate (or none with max_missing: 0)")
    subscales = {}
    if not isinstance(raw.get("subscales") or {}, Mapping):
        raise RulesError("'subscales' must map names to {label, items}")
    for name, spec in (raw.get("subscales") or {}).items():
        if not isinstance(spec, Mapping) or set(spec) != {"label", "items"}:
            raise RulesError(f"subscale '{name}' needs 'label' and 'items'")
        subscales[name] = (text_field(spec["label"], f"subscale '{name}' label"),
                           _item_list(spec["items"], items, f"subscale '{name}'"))  # fmt: skip
    inherit = base["bands"] if base and base["bands"] else ()
    bands = parse_bands(raw["bands"], "min_total", inherit) if raw.get("bands") else ()
    return {"method": "sum", "max_missing": max_missing, "missing_method": method,
            "subscales": MappingProxyType(subscales), "bands": bands}  # fmt: skip


def _scoring_interview(raw: Mapping, items: Sequence[Item], base: Mapping | None) -> dict:
    check_keys(raw, {"method"}, "scoring")
    _method(raw, "tag_counts")
    return {"method": "tag_counts"}


def _scoring_recall(raw: Mapping, items: Sequence[Item], base: Mapping | None) -> dict:
    check_keys(raw, {"method", "breastfed_item", "age_item", "categories"}, "scoring")
    _method(raw, "who_unicef_2021")
    breastfed = _named_item(raw, "breastfed_item", items, ("yes_no",))
    bm = [it.id for it in items if it.recall_class == "breast_milk"]
    if bm != [breastfed]:
        raise RulesError(f"exactly one item, '{breastfed}', must have recall_class breast_milk")
    return {"method": "who_unicef_2021", "breastfed_item": breastfed,
            "age_item": _named_item(raw, "age_item", items, ("integer",)),
            "categories": _categories(raw.get("categories"), "recall")}  # fmt: skip


SCORING_PARSERS = {
    "knowledge": _scoring_knowledge,
    "checklist": _scoring_checklist,
    "smoothness": _scoring_smoothness,
    "likert": _scoring_likert,
    "interview": _scoring_interview,
    "recall": _scoring_recall,
}


def effective_rules(definition: InstrumentDefinition, rules: Mapping | None) -> Mapping[str, Any]:
    """Merge a per-program override into the definition's rules; raise RulesError if invalid.

    Top-level keys of ``rules`` replace those of the file's ``scoring`` section. For the
    smoothness kind, giving ``threshold`` drops a default ``min_met`` and vice versa.
    """
    if not rules:
        return definition.scoring
    if not isinstance(rules, Mapping):
        raise RulesError("rules must be a mapping")
    if "scale" in rules and rules["scale"] != definition.scoring.get("scale"):
        raise RulesError("'scale' is fixed by the definition version (it sets the answer choices)")
    merged = dict(definition.raw_scoring)
    if definition.kind == "smoothness" and {"threshold", "min_met"} & set(rules):
        merged.pop("threshold", None)
        merged.pop("min_met", None)
    merged.update(rules)
    parser = SCORING_PARSERS[definition.kind]
    return MappingProxyType(parser(merged, definition.items, definition.scoring))
