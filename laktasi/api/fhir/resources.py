"""FHIR building blocks shared by the resource writers: references, codings, extensions,
the natural keys behind the ``urn:uuid`` fullUrls, addresses and questionnaire answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from laktasi.api.fhir import codes
from laktasi.api.fhir.codes import cs, ext
from laktasi.places.models import Facility, Region
from laktasi.programs.models import Program, Session


def _iso(value: datetime) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


def _ref(url: str) -> dict:
    return {"reference": url}


def _code(system: str, code: str, display: str = "") -> dict:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return coding


def _concept(system: str, code: str, display: str = "", text: str = "") -> dict:
    concept: dict[str, Any] = {"coding": [_code(system, code, display)]}
    if text:
        concept["text"] = text
    return concept


def _e(name: str, kind: str, value: Any) -> dict:
    return {"url": ext(name), f"value{kind}": value}


def _clean(resource: dict) -> dict:
    """Drop empty values (FHIR forbids empty strings, lists and objects)."""
    out = {}
    for key, value in resource.items():
        if isinstance(value, dict):
            value = _clean(value)
        elif isinstance(value, list):
            value = [_clean(v) if isinstance(v, dict) else v for v in value]
            value = [v for v in value if v not in ({}, "", None)]
        if value in ({}, [], "", None):
            continue
        out[key] = value
    return out


# ---------------------------------------------------------------------------- keys


def facility_key(f: Facility) -> str:
    return f"{f.kind}/{f.village_id.replace('.', '')}/{f.name}"


def program_key(p: Program) -> str:
    return f"{p.start_date.isoformat()}/{p.title}"


def session_key(s: Session, program_keys: dict[int, str]) -> str:
    return f"{program_keys[s.program_id]}/{s.starts_at.isoformat()}/{s.title}"


def address(village: Region, line: str, use: str) -> dict:
    """An Address in SATUSEHAT's shape: names plus the administrativeCode extension."""
    district = village.parent
    regency = district.parent if district else None
    province = regency.parent if regency else None
    parts = village.code.split(".")
    levels = ("province", "city", "district", "village")
    sub = [
        {"url": name, "valueCode": "".join(parts[: i + 1])}
        for i, name in enumerate(levels[: len(parts)])
    ]
    return {
        "use": use,
        "line": [line] if line else [],
        "city": regency.name if regency else "",
        "district": district.name if district else "",
        "state": province.name if province else "",
        "country": "ID",
        "extension": [
            {"url": codes.ADMIN_CODE_URL, "extension": sub},
            _e("village-name", "String", village.name),
        ],
    }


def _clean_list(values: list) -> list:
    return [v for v in values if v]


def answer_items(definition, answers: dict) -> list[dict]:
    """QuestionnaireResponse items in the definition's order (unknown items last)."""
    order = list(definition.item_ids) if definition else []
    keys = [k for k in order if k in answers] + sorted(k for k in answers if k not in order)
    items = []
    for key in keys:
        value = answers[key]
        item = definition.item(key) if definition and key in definition.item_ids else None
        values = value if isinstance(value, list) else [value]
        out = []
        for v in values:
            if isinstance(v, bool):
                out.append({"valueBoolean": v})
            elif isinstance(v, int):
                out.append({"valueInteger": v})
            elif item is not None and item.choices:
                out.append({"valueCoding": _code(cs(f"choice-{item.list_name}"), str(v))})
            else:
                out.append({"valueString": str(v)})
        items.append({"linkId": key, "answer": out})
    return items
