"""The FHIR resources of one contact, in SATUSEHAT's shape (FACTS §7.6), and the
transaction bundles that carry them.

Per contact: one Encounter (status finished, statusHistory, class, subject
``Patient/{IHS}``, participant ``Practitioner/{IHS}``, period in UTC, location,
serviceProvider, identifier in the facility's encounter system), one Procedure for the
education given (ED000009) and, when the baby was weighed, an Observation of body weight
(LOINC 29463-7). Nothing local: no Group, Questionnaire, Consent or ``urn:laktasi`` code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass

from laktasi.satusehat import codes
from laktasi.satusehat.contacts import Contact


@dataclass(frozen=True)
class People:
    """The IHS numbers a contact needs."""

    patient: str
    practitioner: str
    baby: str = ""


def utc(moment: dt.datetime) -> str:
    """An aware time in UTC, as SATUSEHAT wants it: ``2024-05-01T02:00:00+00:00``."""
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def _ref(kind: str, ident: str) -> dict:
    return {"reference": f"{kind}/{ident}"}


def _coding(system: str, code_display: tuple[str, str]) -> dict:
    return {"system": system, "code": code_display[0], "display": code_display[1]}


def _identifier(resource: str, org_id: str, value: str) -> list[dict]:
    return [{"system": codes.org_system(resource, org_id), "value": value}]


def _encounter(contact: Contact, org_id: str, location_id: str, people: People) -> dict:
    start, end = utc(contact.start), utc(contact.end)
    return {
        "resourceType": "Encounter",
        "identifier": _identifier("encounter", org_id, contact.identifier),
        "status": "finished",
        "statusHistory": [
            {"status": "arrived", "period": {"start": start, "end": start}},
            {"status": "in-progress", "period": {"start": start, "end": end}},
            {"status": "finished", "period": {"start": end, "end": end}},
        ],
        "class": _coding(codes.ACT_CODE, (contact.klass, codes.CLASS_DISPLAY[contact.klass])),
        "subject": _ref("Patient", people.patient),
        "participant": [
            {
                "type": [
                    {"coding": [_coding(codes.PARTICIPATION, ("ATND", "attender"))]},
                ],
                "individual": _ref("Practitioner", people.practitioner),
            }
        ],
        "period": {"start": start, "end": end},
        "location": [{"location": _ref("Location", location_id)}],
        "serviceProvider": _ref("Organization", org_id),
    }


def _education(contact: Contact, org_id: str, people: People) -> dict:
    return {
        "resourceType": "Procedure",
        "identifier": _identifier("procedure", org_id, f"{contact.identifier}-ed"),
        "status": "completed",
        "category": {"coding": [_coding(codes.SNOMED, codes.EDUCATION_CATEGORY)]},
        "code": {"coding": [_coding(codes.CLINICAL_TERM, codes.ED_BREASTFEEDING)]},
        "subject": _ref("Patient", people.patient),
        "performedPeriod": {"start": utc(contact.start), "end": utc(contact.end)},
        "performer": [{"actor": _ref("Practitioner", people.practitioner)}],
    }


def _weight(contact: Contact, org_id: str, people: People) -> dict:
    return {
        "resourceType": "Observation",
        "identifier": _identifier("observation", org_id, f"{contact.identifier}-weight"),
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": codes.OBSERVATION_CATEGORY,
                        "code": "vital-signs",
                        "display": "Vital Signs",
                    }
                ]
            }
        ],
        "code": {"coding": [_coding(codes.LOINC, codes.BODY_WEIGHT)]},
        "subject": _ref("Patient", people.baby),
        "performer": [_ref("Practitioner", people.practitioner)],
        "effectivePeriod": {"start": utc(contact.start), "end": utc(contact.end)},
        "valueQuantity": {
            "value": contact.weight_g,
            "unit": "g",
            "system": codes.UCUM,
            "code": "g",
        },
    }


def contact_resources(
    contact: Contact, *, org_id: str, location_id: str, people: People
) -> list[dict]:
    """The resources of one contact, the Encounter first (without any server ids)."""
    resources = [
        _encounter(contact, org_id, location_id, people),
        _education(contact, org_id, people),
    ]
    if contact.weight_g and people.baby:
        resources.append(_weight(contact, org_id, people))
    return resources


def fingerprint(resources: list[dict]) -> str:
    """A hash of what would be sent: a record changes when this changes."""
    return hashlib.sha256(json.dumps(resources, sort_keys=True).encode()).hexdigest()


def record_entries(resources: list[dict], remote_ids: dict[str, str]) -> list[dict]:
    """Transaction entries for one contact: POST what the server does not hold yet, PUT
    (update by id) what it does. Procedure and Observation point at the Encounter, by its
    id or by the bundle-local ``urn:uuid`` of the Encounter posted with them."""
    entries = []
    encounter_ref = ""
    for source in resources:
        resource = json.loads(json.dumps(source))
        kind = resource["resourceType"]
        if kind != "Encounter":
            resource["encounter"] = {"reference": encounter_ref}
        remote = remote_ids.get(kind)
        if remote:
            resource["id"] = remote
            entry = {
                "fullUrl": f"{kind}/{remote}",
                "resource": resource,
                "request": {"method": "PUT", "url": f"{kind}/{remote}"},
            }
        else:
            entry = {
                "fullUrl": f"urn:uuid:{uuid.uuid4()}",
                "resource": resource,
                "request": {"method": "POST", "url": kind},
            }
        if kind == "Encounter":
            encounter_ref = entry["fullUrl"]
        entries.append(entry)
    return entries


def transaction(entries: list[dict]) -> dict:
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries}
