"""Parsing of an instrument definition (the YAML already read into Python values): its
header, scale, sources and items, each checked with a message that names the file and the
field. :mod:`laktasi.instruments.registry` reads the files and caches the definitions."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from laktasi.instruments.definitions.model import (
    CONFIDENCE_LABELS,
    ITEM_TYPES,
    KINDS,
    LANGS,
    NAME_RE,
    NOT_ASSESSED,
    RECALL_CLASSES,
    RESERVED_NAMES,
    RESPONDENTS,
    Choice,
    Condition,
    InstrumentDefinition,
    InstrumentDefinitionError,
    Item,
    LicensedText,
    RulesError,
    Source,
    Text,
)
from laktasi.instruments.definitions.rules import (
    SCORING_PARSERS,
    bool_field,
    check_keys,
    text_field,
)

_VERSION_RE = re.compile(r"^[0-9]+(\.[0-9]+)*$")
_FILE_RE = re.compile(r"^v([0-9]+(?:\.[0-9]+)*)\.ya?ml$")
_TOP_KEYS = {
    "id", "version", "kind", "title", "description", "validated", "license", "notes",
    "sources", "respondent", "items", "scoring", "scale", "licensed_item_text", "choice_sets",
}  # fmt: skip
_ITEM_KEYS = {
    "id", "type", "label", "hint", "required", "choices", "choice_set", "key", "rationale",
    "critical", "critical_reason", "reverse", "constraint", "tags", "group", "relevant",
    "recall_class", "flags", "source", "confidence", "demo_range", "allow_not_assessed",
}  # fmt: skip


# ---------------------------------------------------------------------------- item parsing


def _opt_text(raw: Mapping, key: str, what: str) -> Text | None:
    return text_field(raw[key], what) if raw.get(key) is not None else None


def _tags(raw: Any, what: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(t, str) and NAME_RE.match(t) for t in raw):
        raise RulesError(f"{what} must be a list of lower_snake_case names")
    return tuple(raw)


def _choices(raw: Any) -> tuple[Choice, ...]:
    if not isinstance(raw, list) or not raw:
        raise RulesError("choices must be a non-empty list")
    out = []
    for entry in raw:
        if not isinstance(entry, Mapping):
            raise RulesError("each choice must be a mapping with name and label")
        check_keys(entry, {"name", "label", "tags", "exclusive"}, "choice")
        name = entry.get("name")
        if not isinstance(name, str) or not re.match(r"^[a-z0-9][a-z0-9_]*$", name):
            raise RulesError(f"choice name {name!r} must be a lower_snake_case string "
                             "(quote yes/no/on/off in YAML)")  # fmt: skip
        out.append(Choice(name, text_field(entry.get("label"), f"choice '{name}' label"),
                          _tags(entry.get("tags"), f"choice '{name}' tags"),
                          bool_field(entry, "exclusive", False)))  # fmt: skip
    names = [c.name for c in out]
    if len(set(names)) != len(names):
        raise RulesError(f"choice names must be unique: {names}")
    return tuple(out)


def _condition(raw: Any, earlier: Mapping[str, Item]) -> Condition:
    ops = ("equals", "not_equals", "selected", "at_least")
    if not isinstance(raw, Mapping) or "item" not in raw or len(set(raw) & set(ops)) != 1:
        raise RulesError(f"relevant must be {{item: <earlier item>, <one of {ops}>: value}}")
    check_keys(raw, {"item", *ops}, "relevant")
    op = next(o for o in ops if o in raw)
    target, value = earlier.get(raw["item"]), raw[op]
    if target is None:
        raise RulesError(f"relevant names {raw['item']!r}, which is not an earlier item")
    if op == "at_least":
        if target.type != "integer" or isinstance(value, bool) or not isinstance(value, int):
            raise RulesError("at_least needs an integer item and an integer value")
    elif value not in target.choice_names:
        raise RulesError(f"relevant value {value!r} is not a choice of '{target.id}'")
    elif op == "selected" and target.type != "select_multiple":
        raise RulesError("'selected' needs a select_multiple item; use equals")
    return Condition(target.id, op, value)


_BUILTIN_CHOICES = {
    "true_false": ("true_false", (("true", "Benar", "True"), ("false", "Salah", "False"))),
    "yes_no": ("yes_no", (("yes", "Ya", "Yes"), ("no", "Tidak", "No"))),
    "sign": ("sign", (("yes", "Ya, tampak/dialami", "Yes, present"),
                      ("no", "Tidak", "No, absent"),
                      ("not_assessed", "Tidak dinilai", "Not assessed"))),
    "step_binary": ("step_binary", (("1", "Dilakukan dengan benar", "Done correctly"),
                                    ("0", "Tidak dilakukan / salah", "Not done / wrong"))),
    "step_three_level": ("step_three_level", (
        ("2", "Dilakukan dengan benar", "Done correctly"),
        ("1", "Dilakukan tetapi kurang tepat", "Done but incomplete or wrong"),
        ("0", "Tidak dilakukan", "Not done"))),
}  # fmt: skip


STEP_NOT_ASSESSED = Text(
    "Tidak dinilai (praktik berkelompok/berpakaian)", "Not assessed (group or clothed practice)"
)


def _builtin(key: str) -> tuple[str, tuple[Choice, ...]]:
    list_name, rows = _BUILTIN_CHOICES[key]
    return list_name, tuple(Choice(n, Text(i, e)) for n, i, e in rows)


def _parse_item(raw: Mapping, kind: str, ctx: dict[str, Any]) -> Item:
    check_keys(raw, _ITEM_KEYS, "item")
    itype = raw.get("type")
    if itype not in ITEM_TYPES[kind]:
        raise RulesError(f"type {itype!r} not allowed in a {kind} instrument {ITEM_TYPES[kind]}")
    source, confidence = raw.get("source"), raw.get("confidence")
    if not isinstance(source, str) or not source.strip():
        raise RulesError("'source' is required (e.g. \"FACTS §4.2 #12; WHO 2009\")")
    if confidence not in CONFIDENCE_LABELS:
        raise RulesError(f"'confidence' must be one of {CONFIDENCE_LABELS}")
    licensed: LicensedText | None = ctx["licensed"]
    if licensed:
        if "label" in raw or "hint" in raw:
            raise RulesError("licensed item text must not be shipped: remove 'label'/'hint'")
        label = None
    else:
        label = text_field(raw.get("label"), "label")
    fields: dict[str, Any] = {
        "id": raw["id"], "type": itype, "label": label, "source": source.strip(),
        "confidence": confidence, "hint": _opt_text(raw, "hint", "hint"),
        "required": bool_field(raw, "required", True), "tags": _tags(raw.get("tags"), "tags"),
    }  # fmt: skip
    if licensed:
        fields["placeholder"] = Text(*(licensed.placeholder.get(lg).format(n=ctx["n"])
                                       for lg in LANGS))  # fmt: skip
    _kind_fields(raw, kind, itype, ctx, fields)
    if raw.get("relevant") is not None:
        fields["relevant"] = _condition(raw["relevant"], ctx["earlier"])
    if raw.get("demo_range") is not None:
        dr = raw["demo_range"]
        if itype != "integer" or not (isinstance(dr, list) and len(dr) == 2):
            raise RulesError("demo_range must be [low, high] on an integer item")
        fields["demo_range"] = (int(dr[0]), int(dr[1]))
    return Item(**fields)


def _kind_fields(raw: Mapping, kind: str, itype: str, ctx: dict, fields: dict) -> None:
    """Fill the kind-specific item fields (answer key, critical flag, choices, ...)."""
    if kind == "knowledge":
        if not isinstance(raw.get("key"), bool):
            raise RulesError("answer 'key' (true or false) is required for a knowledge item")
        fields.update(key=raw["key"], rationale=text_field(raw.get("rationale"), "rationale"))
    _step_fields(raw, kind, ctx, fields)
    _scale_sign_recall_fields(raw, kind, itype, ctx, fields)
    if itype in ("true_false", "yes_no", "sign"):
        fields["list_name"], fields["choices"] = _builtin(itype)
    if itype in ("select_one", "select_multiple"):
        fields["list_name"], fields["choices"] = _custom_choices(raw, ctx)
    if itype == "integer":
        fields.update(_integer_range(raw.get("constraint")))
    if itype != "select_multiple" and any(c.exclusive for c in fields.get("choices", ())):
        raise RulesError("'exclusive' choices only make sense in select_multiple")


def _step_fields(raw: Mapping, kind: str, ctx: dict, fields: dict) -> None:
    """A checklist step: critical (with its reason), its levels, whether it may be skipped."""
    if kind != "checklist":
        if raw.get("allow_not_assessed") is not None:
            raise RulesError("'allow_not_assessed' is only for checklist steps")
        return
    fields["critical"] = bool_field(raw, "critical", False)
    if fields["critical"]:
        fields["critical_reason"] = text_field(raw.get("critical_reason"), "critical_reason")
    fields["list_name"], fields["choices"] = _builtin(ctx["step_list"])
    fields["allow_not_assessed"] = bool_field(raw, "allow_not_assessed", False)
    if fields["allow_not_assessed"]:
        if fields["critical"]:
            raise RulesError("a critical step must always be assessed (allow_not_assessed)")
        fields["list_name"] = f"{fields['list_name']}_na"
        fields["choices"] = (*fields["choices"], Choice(NOT_ASSESSED, STEP_NOT_ASSESSED))


def _scale_sign_recall_fields(raw: Mapping, kind: str, itype: str, ctx: dict, fields: dict) -> None:
    """A likert item's scale, a smoothness sign's group, a recall question's class and flags."""
    if kind == "likert":
        fields.update(reverse=bool_field(raw, "reverse", False), list_name="likert_scale",
                      choices=ctx["scale_choices"])  # fmt: skip
    if kind == "smoothness" and itype == "sign":
        if raw.get("group") not in ("mother", "baby"):
            raise RulesError("a sign needs 'group: mother' or 'group: baby'")
        fields["group"] = raw["group"]
    if kind == "recall" and itype == "yes_no":
        if raw.get("recall_class") not in RECALL_CLASSES:
            raise RulesError(f"'recall_class' must be one of {RECALL_CLASSES}")
        fields.update(recall_class=raw["recall_class"], flags=_tags(raw.get("flags"), "flags"))


def _integer_range(c: Any) -> dict[str, int]:
    if (
        not isinstance(c, Mapping)
        or set(c) != {"min", "max"}
        or not all(isinstance(c[k], int) and not isinstance(c[k], bool) for k in c)
        or c["min"] > c["max"]
    ):
        raise RulesError("an integer item needs constraint: {min: <int>, max: <int>}")
    return {"min": c["min"], "max": c["max"]}


def _custom_choices(raw: Mapping, ctx: dict) -> tuple[str, tuple[Choice, ...]]:
    if "choice_set" in raw:
        name = raw["choice_set"]
        if name not in ctx["choice_sets"]:
            raise RulesError(f"unknown choice_set {name!r}")
        if "choices" in raw:
            raise RulesError("give either 'choices' or 'choice_set', not both")
        return name, ctx["choice_sets"][name]
    return raw["id"], _choices(raw.get("choices"))


# ---------------------------------------------------------------------------- file parsing


def parse_definition(data: Any, path: Path, check_layout: bool) -> InstrumentDefinition:
    if not isinstance(data, Mapping):
        raise InstrumentDefinitionError(path, "the file must contain a YAML mapping")
    try:
        extra = sorted(set(data) - _TOP_KEYS)
        if extra:
            raise RulesError(f"unknown top-level key(s) {extra}")
        head = _parse_head(data, path, check_layout)
    except RulesError as exc:
        raise InstrumentDefinitionError(path, str(exc)) from exc
    items = _parse_items(data, head, path)
    try:
        scoring = SCORING_PARSERS[head["kind"]](data.get("scoring") or {}, items, None)
    except RulesError as exc:
        raise InstrumentDefinitionError(path, f"scoring: {exc}") from exc
    return InstrumentDefinition(
        items=items,
        scoring=MappingProxyType(scoring),
        raw_scoring=_freeze(data.get("scoring") or {}),
        path=path,
        **{k: v for k, v in head.items() if k not in ("choice_sets", "scale_choices", "step_list")},
    )


def _parse_head(data: Mapping, path: Path, check_layout: bool) -> dict[str, Any]:
    iid, version, kind = _identity(data, path, check_layout)
    if not isinstance(data.get("validated"), bool):
        raise RulesError("'validated' (true/false) is required")
    if not isinstance(data.get("license"), str) or not data["license"].strip():
        raise RulesError("'license' is required")
    if data.get("respondent", "mother") not in RESPONDENTS:
        raise RulesError(f"'respondent' must be one of {RESPONDENTS}")
    head: dict[str, Any] = {
        "id": iid, "version": version, "kind": kind, "validated": data["validated"],
        "title_text": text_field(data.get("title"), "title"),
        "description_text": text_field(data.get("description"), "description"),
        "license": data["license"].strip(), "notes": _opt_text(data, "notes", "notes"),
        "respondent": data.get("respondent", "mother"), "sources": _sources(data.get("sources")),
    }  # fmt: skip
    head["choice_sets"] = {
        name: _choices(spec) for name, spec in (data.get("choice_sets") or {}).items()
    }
    scoring = data.get("scoring") or {}
    if not isinstance(scoring, Mapping):
        raise RulesError("'scoring' must be a mapping")
    head["step_list"] = (
        "step_three_level" if scoring.get("scale") == "three_level" else "step_binary"
    )
    head["scale_choices"] = ()
    if kind == "likert":
        head.update(_parse_scale(data.get("scale")))
    elif "scale" in data:
        raise RulesError("'scale' is only for likert instruments")
    head["licensed_item_text"] = _parse_licensed(data.get("licensed_item_text"))
    return head


def _identity(data: Mapping, path: Path, check_layout: bool) -> tuple[str, str, str]:
    """(id, version, kind), checked; with ``check_layout`` the file must be <id>/v<version>.yaml."""
    iid, version, kind = data.get("id"), data.get("version"), data.get("kind")
    if not isinstance(iid, str) or not NAME_RE.match(iid):
        raise RulesError(f"'id' must be lower_snake_case, got {iid!r}")
    version = (
        str(version) if isinstance(version, int) and not isinstance(version, bool) else version
    )
    if not isinstance(version, str) or not _VERSION_RE.match(version):
        raise RulesError(f'\'version\' must look like "1" or "1.2", got {version!r}')
    if kind not in KINDS:
        raise RulesError(f"'kind' must be one of {KINDS}, got {kind!r}")
    if check_layout:
        m = _FILE_RE.match(path.name)
        if path.parent.name != iid or not m or m.group(1) != version:
            raise RulesError(f"file must be {iid}/v{version}.yaml (id and version must match)")
    return iid, version, kind


def _parse_scale(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, Mapping) or set(raw) != {"min", "max", "anchors"}:
        raise RulesError("a likert 'scale' needs min, max and anchors")
    lo, hi = raw["min"], raw["max"]
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (lo, hi)) or lo >= hi:
        raise RulesError("scale min and max must be integers with min < max")
    anchors = raw["anchors"]
    if not isinstance(anchors, Mapping) or set(anchors) != set(range(lo, hi + 1)):
        raise RulesError(f"scale anchors must label every value {lo}..{hi}")
    choices = tuple(
        Choice(str(v), text_field(anchors[v], f"anchor {v}")) for v in range(lo, hi + 1)
    )
    return {"scale_min": lo, "scale_max": hi, "scale_choices": choices}


def _parse_licensed(raw: Any) -> LicensedText | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or set(raw) != {"env", "placeholder", "notice"}:
        raise RulesError("licensed_item_text needs env, placeholder and notice")
    if not isinstance(raw["env"], str) or not re.match(r"^[A-Z][A-Z0-9_]*$", raw["env"]):
        raise RulesError("licensed_item_text.env must be an environment variable name")
    return LicensedText(raw["env"], text_field(raw["placeholder"], "placeholder"),
                        text_field(raw["notice"], "notice"))  # fmt: skip


def _sources(raw: Any) -> tuple[Source, ...]:
    if not isinstance(raw, list) or not raw:
        raise RulesError("'sources' must be a non-empty list of {ref, confidence}")
    out = []
    for s in raw:
        if not isinstance(s, Mapping) or not isinstance(s.get("ref"), str):
            raise RulesError("each source needs 'ref' and 'confidence'")
        if s.get("confidence") not in CONFIDENCE_LABELS:
            raise RulesError(f"source {s['ref']!r}: confidence must be one of {CONFIDENCE_LABELS}")
        out.append(Source(s["ref"], s["confidence"]))
    return tuple(out)


def _parse_items(data: Mapping, head: dict, path: Path) -> tuple[Item, ...]:
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise InstrumentDefinitionError(path, "'items' must be a non-empty list")
    items: dict[str, Item] = {}
    ctx = {"earlier": items, "licensed": head["licensed_item_text"], **head}
    for n, raw in enumerate(raw_items, start=1):
        iid = raw.get("id") if isinstance(raw, Mapping) else None
        if not isinstance(iid, str) or not NAME_RE.match(iid):
            raise InstrumentDefinitionError(path, f"item #{n}: 'id' must be lower_snake_case")
        if iid in items:
            raise InstrumentDefinitionError(path, "duplicate item id", iid)
        if iid in RESERVED_NAMES:
            raise InstrumentDefinitionError(path, f"item id is reserved {RESERVED_NAMES}", iid)
        try:
            items[iid] = _parse_item(raw, head["kind"], {**ctx, "n": n})
        except RulesError as exc:
            raise InstrumentDefinitionError(path, str(exc), iid) from exc
    return tuple(items.values())


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value
