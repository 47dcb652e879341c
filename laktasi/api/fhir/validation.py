"""Validate a Bundle with the ``fhir.resources`` models.

fhir.resources 8 ships R5 as its default package plus ``R4B`` and ``STU3``; there is no plain
R4 package. R4B (4.3) is wire-compatible with R4 (4.0.1) for every resource laktasi writes
(Patient, RelatedPerson, Organization, Location, Encounter, Group, Questionnaire,
QuestionnaireResponse, Observation, Consent): R4B changed only medication-definition,
subscription and evidence resources. So the R4B models validate R4 content here.
"""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B import get_fhir_model_class


def validate_bundle(bundle: dict[str, Any]) -> list[str]:
    """Problems found: each resource against its model, the Bundle itself, and every
    reference resolving to a fullUrl inside the Bundle. Empty when valid."""
    problems: list[str] = []
    try:
        get_fhir_model_class("Bundle").model_validate(
            {**bundle, "entry": [{"fullUrl": e.get("fullUrl")} for e in bundle.get("entry", [])]}
        )
    except ValueError as exc:
        problems.append(f"Bundle: {exc}")
    urls = {e.get("fullUrl") for e in bundle.get("entry", [])}
    for n, entry in enumerate(bundle.get("entry", [])):
        resource = entry.get("resource") or {}
        kind = resource.get("resourceType", "?")
        try:
            get_fhir_model_class(kind).model_validate(resource)
        except (ValueError, KeyError) as exc:
            problems.append(f"entry {n} {kind}: {exc}")
        for ref in references(resource):
            if ref.startswith("urn:uuid:") and ref not in urls:
                problems.append(f"entry {n} {kind}: unresolved reference {ref}")
    return problems


def references(value: Any) -> list[str]:
    """Every ``reference`` string inside a resource."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "reference" and isinstance(inner, str):
                found.append(inner)
            else:
                found.extend(references(inner))
    elif isinstance(value, list):
        for inner in value:
            found.extend(references(inner))
    return found
