"""FHIR export validates with fhir.resources (R4B), references resolve, and an export
imported into an empty database exports the same resources again."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.management import call_command

from laktasi.api.fhir import codes
from laktasi.api.fhir.export import bundle_build
from laktasi.api.fhir.importer import bundle_import
from laktasi.api.fhir.validation import validate_bundle
from laktasi.followups.services import visit_record, visits_schedule
from laktasi.instruments import registry
from laktasi.instruments.services import response_record
from laktasi.mothers.models import Mother
from laktasi.places.models import Region
from laktasi.programs.models import Program
from laktasi.programs.services import attendance_record, session_create


def first_choice_answers(instrument_id: str) -> dict:
    definition = registry.get(instrument_id)
    return {
        it.id: it.choices[0].name if it.choices else (it.min or 0) for it in definition.items
        if it.relevant is None and it.type != "text"
    }  # fmt: skip


def resources(bundle, kind):
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


@pytest.fixture
def rich_world(world):
    session = session_create(
        program=world.program, title="Sesi 1", starts_at="2025-01-25T09:00:00+07:00",
        venue="Balai desa", facilitator="Bidan", agenda=[("pretest", 10), ("presentation", 30)],
    )  # fmt: skip
    mother = world.mothers["melati"]
    attendance_record(session=session, mother=mother, companion_present=True,
                      companion=mother.companions.first())  # fmt: skip
    for instrument_id in ("knowledge_test", "milk_smoothness"):
        response_record(
            mother=mother, instrument_id=instrument_id, timepoint="pre", session=session,
            answers=first_choice_answers(instrument_id), collected_by=None,
        )  # fmt: skip
    baby = mother.babies.get()
    visits_schedule(baby=baby, since=baby.birth_date)
    visit = baby.visits.order_by("due_date").first()
    visit_record(
        visit=visit, recorded_by=None, done_on=date(2025, 1, 11), mode="home",
        recall_answers=first_choice_answers("feeding_recall_24h"), problems=["sore_nipples"],
        massage_done=True, massage_by="husband", weight_g=3200, notes="catatan",
    )  # fmt: skip
    return world, session


def test_bundle_validates_and_references_resolve(rich_world):
    bundle = bundle_build()
    assert validate_bundle(bundle) == []
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert {"Patient", "RelatedPerson", "Organization", "Location", "Encounter", "Group",
            "Questionnaire", "QuestionnaireResponse", "Observation", "Consent"} <= kinds  # fmt: skip


def test_observations_carry_breastfeeding_status_knowledge_and_smoothness(rich_world):
    observations = resources(bundle_build(), "Observation")
    loinc = [o for o in observations if o["code"]["coding"][0]["system"] == codes.LOINC]
    assert [o["code"]["coding"][0]["code"] for o in loinc] == ["63895-7"]
    assert loinc[0]["derivedFrom"]  # the 24-hour recall it came from
    local = {o["code"]["coding"][0]["code"] for o in observations} - {"63895-7"}
    assert local == {"knowledge-category", "milk-smoothness"}


def test_mother_and_baby_are_linked_through_related_person(rich_world):
    bundle = bundle_build()
    urls = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    siti = next(p for p in resources(bundle, "Patient")
                if p.get("name", [{}])[0].get("text") == "Siti Melati")  # fmt: skip
    related = urls[siti["link"][0]["other"]["reference"]]
    assert related["relationship"][0]["coding"][0]["code"] == "MTH"
    baby = urls[related["patient"]["reference"]]
    assert baby["resourceType"] == "Patient"
    assert baby["birthDate"] == "2025-01-10"


def test_command_exports_a_valid_bundle_and_imports_it_again(rich_world, tmp_path):
    out = tmp_path / "bundle.json"
    call_command("fhir", "export", "-o", str(out))
    bundle = json.loads(out.read_text())
    assert validate_bundle(bundle) == []
    only = tmp_path / "program.json"
    call_command("fhir", "export", "--program", str(rich_world[0].program.pk), "-o", str(only))
    facility = str(rich_world[0].puskesmas.pk)
    call_command("fhir", "import", str(only), "--facility", facility)  # all exists: nothing added
    assert Mother.objects.count() == 3
    patients = resources(json.loads(only.read_text()), "Patient")
    assert {p["identifier"][-1]["value"] for p in patients if p.get("name", [{}])[0].get(
        "text", "").startswith(("Siti", "Dewi", "Rina"))} == {
        rich_world[0].mothers["melati"].identifier}  # fmt: skip


def test_mother_has_nik_and_satusehat_address(rich_world):
    bundle = bundle_build()
    siti = next(
        p
        for p in resources(bundle, "Patient")
        if p.get("name", [{}])[0].get("text") == "Siti Melati"
    )
    assert {"system": codes.NIK_SYSTEM, "use": "official", "value": "3523120101950001"} in siti[
        "identifier"
    ]
    admin = next(e for e in siti["address"][0]["extension"] if e["url"] == codes.ADMIN_CODE_URL)
    assert {e["url"]: e["valueCode"] for e in admin["extension"]} == {
        "province": "35", "city": "3523", "district": "352312", "village": "3523122005",
    }  # fmt: skip


def test_round_trip_into_an_empty_database(rich_world, db):
    """Into a laktasi with its regions and facilities but no mothers or programs (regions and
    facilities are reference data a Bundle never creates)."""
    world = rich_world[0]
    bidan = world.users["bidan"]
    first = bundle_build(user=bidan)
    assert resources(first, "QuestionnaireResponse")
    Mother.objects.all().delete()
    Program.objects.all().delete()
    counts = bundle_import(bundle=first, facility=world.puskesmas)
    assert counts["mothers_created"] == 2
    assert counts["visits_created"] >= 1
    assert Region.objects.count() == 7
    second = bundle_build(user=bidan)
    strip = lambda b: sorted(  # noqa: E731
        json.dumps(e, sort_keys=True) for e in b["entry"]
    )
    assert strip(second) == strip(first)
