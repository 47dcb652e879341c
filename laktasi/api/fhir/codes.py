"""Systems, extension URLs and code maps of laktasi's FHIR resources.

SATUSEHAT systems (FACTS §7.6): the NIK identifier system and the address extension with the
Kemendagri region codes without dots. Everything else laktasi-specific lives under the
``urn:laktasi:`` namespace; a deployment that registers its own URL namespace can change
:data:`NS` (the importer reads both only through these constants).
"""

from __future__ import annotations

import uuid

# SATUSEHAT (FACTS §7.6)
NIK_SYSTEM = "https://fhir.kemkes.go.id/id/nik"
ADMIN_CODE_URL = "https://fhir.kemkes.go.id/r4/StructureDefinition/administrativeCode"

# HL7 terminology
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
V3_ROLE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
V3_ACT = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
URI_SYSTEM = "urn:ietf:rfc:3986"
BREASTFEEDING_STATUS = "63895-7"  # LOINC "Breastfeeding status" (FACTS §7.6)
PATIENT_CONSENT = "59284-0"  # LOINC "Patient Consent"

NS = "urn:laktasi"
UUID_NAMESPACE = uuid.UUID("0d6f7c1e-3a52-5b8e-9a77-1c0b9b6f4a10")


def sid(kind: str) -> str:
    """Identifier system of a laktasi record kind (mother, baby, companion, ...)."""
    return f"{NS}:id:{kind}"


def ext(name: str) -> str:
    """URL of a laktasi extension."""
    return f"{NS}:extension:{name}"


def cs(name: str) -> str:
    """A laktasi code system."""
    return f"{NS}:codesystem:{name}"


def questionnaire_url(instrument_id: str) -> str:
    return f"{NS}:questionnaire:{instrument_id}"


def consent_policy(text_version: str) -> str:
    return f"{NS}:consent-text:{text_version}"


def full_url(resource_type: str, key: str) -> str:
    """A stable ``urn:uuid`` for a resource from its natural key (same data, same URL)."""
    return f"urn:uuid:{uuid.uuid5(UUID_NAMESPACE, f'{resource_type}|{key}')}"


# Companion relationship -> HL7 v3 RoleCode (the laktasi code is always kept too).
RELATIONSHIP_V3 = {
    "husband": ("HUSB", "husband"),
    "mother": ("MTH", "mother"),
    "mother_in_law": ("MTHINLAW", "mother-in-law"),
    "other_family": ("FAMMEMB", "family member"),
}
# Visit mode -> Encounter.class (HL7 v3 ActCode).
VISIT_CLASS = {
    "home": ("HH", "home health"),
    "posyandu": ("AMB", "ambulatory"),
    "phone": ("VR", "virtual"),
    "": ("AMB", "ambulatory"),
}
GENDER = {"F": "female", "M": "male"}
GENDER_BACK = {v: k for k, v in GENDER.items()}
# Questionnaire item type per instrument item type.
ITEM_TYPE = {
    "true_false": "choice",
    "yes_no": "choice",
    "sign": "choice",
    "select_one": "choice",
    "select_multiple": "choice",
    "step": "integer",
    "likert": "integer",
    "integer": "integer",
    "text": "string",
}
