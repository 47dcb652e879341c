"""Test helpers: shipped definitions, minimal definitions to break, item subsets."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from laktasi.instruments import registry
from laktasi.instruments.definitions.rules import SCORING_PARSERS
from laktasi.instruments.registry import InstrumentDefinition

T = {"id": "Teks", "en": "Text"}


def all_definitions() -> list[InstrumentDefinition]:
    """Every shipped version of every instrument."""
    return [d for versions in registry.load_all().values() for d in versions.values()]


def subset(definition: InstrumentDefinition, item_ids: list[str]) -> InstrumentDefinition:
    """A shorter test built from some items, its rules re-parsed for those items."""
    items = tuple(definition.item(i) for i in item_ids)
    scoring = SCORING_PARSERS[definition.kind](definition.raw_scoring, items, None)
    return replace(definition, items=items, scoring=MappingProxyType(scoring))


def minimal(kind: str) -> dict[str, Any]:
    """A small valid definition (as a plain dict) of each kind, to break in tests."""
    head = {
        "id": f"mini_{kind}",
        "version": "1",
        "kind": kind,
        "title": dict(T),
        "description": dict(T),
        "validated": False,
        "license": "CC BY 4.0",
        "sources": [{"ref": "FACTS §0", "confidence": "S"}],
    }
    src = {"source": "FACTS §0", "confidence": "S"}
    cats = {
        "checklist": {"kompeten": T, "belum_kompeten": T},
        "smoothness": {"lancar": T, "belum_lancar": T},
    }
    if kind == "knowledge":
        head["items"] = [
            {"id": "q1", "type": "true_false", "label": T, "key": True, "rationale": T, **src},
            {"id": "q2", "type": "true_false", "label": T, "key": False, "rationale": T, **src},
        ]
        head["scoring"] = {
            "bands": [
                {"code": "baik", "min_pct": 76, "label": T},
                {"code": "cukup", "min_pct": 56, "label": T},
                {"code": "kurang", "min_pct": 0, "label": T},
            ]
        }
    elif kind == "checklist":
        head["items"] = [
            {"id": f"s{i}", "type": "step", "label": T, **src,
             **({"critical": True, "critical_reason": T} if i == 1 else {})}
            for i in range(1, 5)
        ]  # fmt: skip
        head["scoring"] = {"scale": "three_level", "min_pct": 75, "categories": cats["checklist"]}
    elif kind == "smoothness":
        head["items"] = [
            {"id": "age", "type": "integer", "label": T, "constraint": {"min": 0, "max": 365}, **src},
            {"id": "sign1", "type": "sign", "group": "mother", "label": T, **src},
            {"id": "sign2", "type": "sign", "group": "baby", "label": T, **src},
        ]  # fmt: skip
        head["scoring"] = {"threshold": "1/2", "age_item": "age", "categories": cats["smoothness"]}
    elif kind == "interview":
        head["choice_sets"] = {"yn": [{"name": "yes", "label": T}, {"name": "no", "label": T}]}
        head["items"] = [
            {"id": "q1", "type": "select_one", "choice_set": "yn", "label": T, **src},
            {"id": "q2", "type": "select_multiple", "label": T, "tags": ["theme"], **src,
             "relevant": {"item": "q1", "equals": "yes"},
             "choices": [{"name": "a", "label": T, "tags": ["ta"]},
                         {"name": "none", "label": T, "exclusive": True}]},
        ]  # fmt: skip
        head["scoring"] = {"method": "tag_counts"}
    else:  # pragma: no cover - only the kinds above are used
        raise ValueError(kind)
    return head


def write_definition(root: Path, data: dict[str, Any], name: str | None = None) -> Path:
    """Write ``data`` as <root>/<id>/v<version>.yaml (or ``name``) and return the path."""
    folder = root / str(data.get("id", "broken"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"v{data.get('version', '1')}.yaml")
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
