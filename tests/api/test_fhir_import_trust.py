"""Issue 16, M7: a FHIR import trusts the Bundle for its data only."""

from __future__ import annotations

import copy
import json

import pytest
from django.core.management import CommandError, call_command

from laktasi.api.fhir import codes
from laktasi.api.fhir.codes import sid
from laktasi.api.fhir.export import bundle_build
from laktasi.api.fhir.importer import BundleImportError, bundle_import
from laktasi.mothers.models import Consent, Mother
from laktasi.mothers.services import consent_record
from laktasi.places.models import Facility, Region
from laktasi.programs.models import Program


def _counts() -> tuple[int, ...]:
    return (
        Mother.objects.count(),
        Consent.objects.count(),
        Region.objects.count(),
        Facility.objects.count(),
        Program.objects.count(),
    )


def _bundle(world) -> dict:
    return bundle_build(user=world.users["bidan"])


def _patients(bundle: dict, kind: str = "mother") -> list[dict]:
    return [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Patient"
        and any(i.get("system") == sid(kind) for i in e["resource"].get("identifier", []))
    ]


def _forge_new_mother(bundle: dict, identifier: str = "LK-AAAAAAAA") -> dict:
    """A copy of the Bundle with one mother renamed to an unknown identifier (a new mother)."""
    forged = copy.deepcopy(bundle)
    text = json.dumps(forged)
    old = _patients(forged)[0]["identifier"][-1]["value"]
    forged = json.loads(text.replace(old, identifier))
    for patient in _patients(forged):
        patient["identifier"] = [i for i in patient["identifier"]
                                 if i.get("system") != codes.NIK_SYSTEM]  # fmt: skip
    return forged


def test_m7_an_invalid_bundle_is_refused_before_anything_is_read(world):
    bundle = _bundle(world)
    bundle["entry"][0]["resource"]["resourceType"] = "NotAResource"
    before = _counts()
    with pytest.raises(BundleImportError, match="invalid"):
        bundle_import(bundle=bundle, facility=world.puskesmas)
    assert _counts() == before


def test_m7_dry_run_counts_and_writes_nothing(world, tmp_path):
    forged = _forge_new_mother(_bundle(world))
    path = tmp_path / "b.json"
    path.write_text(json.dumps(forged))
    before = _counts()
    counts = bundle_import(bundle=forged, facility=world.puskesmas, dry_run=True)
    assert counts["mothers_created"] == 1
    assert _counts() == before
    call_command("fhir", "import", str(path), "--facility", str(world.puskesmas.pk), "--dry-run")
    assert _counts() == before


def test_m7_the_target_facility_is_required(world, tmp_path):
    path = tmp_path / "b.json"
    path.write_text(json.dumps(_bundle(world)))
    with pytest.raises(CommandError):
        call_command("fhir", "import", str(path))


def test_m7_mothers_are_matched_only_inside_the_target_network(world):
    bundle = _bundle(world)  # Siti Melati and Dewi Mawar, both of Puskesmas Jenu
    before = _counts()
    with pytest.raises(BundleImportError, match="another facility"):
        bundle_import(bundle=bundle, facility=world.other_puskesmas)
    assert _counts() == before


def test_m7_a_forged_permit_never_gives_back_a_withdrawn_consent(world):
    mother = world.mothers["melati"]
    bundle = _bundle(world)
    consent_record(mother=mother, recorded_by=None, text_version="1", action="withdrawn")
    before = _counts()
    with pytest.raises(BundleImportError, match="withdrew consent"):
        bundle_import(bundle=bundle, facility=world.puskesmas)
    latest = mother.consents.order_by("-recorded_at", "-pk").first()
    assert latest.action == "withdrawn"
    assert _counts() == before


def test_m7_an_existing_mothers_consent_is_never_changed_from_a_bundle(world):
    mother = world.mothers["melati"]
    bundle = _bundle(world)
    for entry in bundle["entry"]:
        res = entry["resource"]
        if res["resourceType"] == "Consent":
            res["provision"]["type"] = "deny"  # forged withdrawals, as new records
            for ident in res["identifier"]:
                ident["value"] = ident["value"].replace("-K1", "-K9")
    counts = bundle_import(bundle=bundle, facility=world.puskesmas)
    assert counts.get("consents_created", 0) == 0
    assert list(mother.consents.values_list("action", flat=True)) == ["given"]


def test_m7_regions_are_never_created(world):
    forged = _forge_new_mother(_bundle(world))
    text = json.dumps(forged).replace("3523122005", "3523129999")
    before = _counts()
    with pytest.raises(BundleImportError, match="unknown village code"):
        bundle_import(bundle=json.loads(text), facility=world.puskesmas)
    assert _counts() == before


def test_m7_unknown_organizations_become_the_target_facility_never_a_new_one(world):
    forged = _forge_new_mother(_bundle(world))
    for entry in forged["entry"]:
        res = entry["resource"]
        if res["resourceType"] in ("Organization", "Location"):
            res["name"] = "Posyandu Palsu"
    facilities = Facility.objects.count()
    bundle_import(bundle=forged, facility=world.puskesmas)
    new = Mother.objects.get(identifier="LK-AAAAAAAA")
    assert new.facility == world.puskesmas
    assert Facility.objects.count() == facilities
