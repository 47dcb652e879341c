"""Issue 16 part B: one access policy. Each test is named after the finding it closes."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from laktasi.accounts import policy
from laktasi.api.services import token_create
from laktasi.followups.models import Visit
from laktasi.followups.services import visit_record, visits_schedule
from laktasi.instruments.models import Response
from laktasi.instruments.services import response_record, response_update
from laktasi.mothers.models import Mother
from laktasi.mothers.services import (
    baby_add,
    companion_add,
    consent_record,
    mother_register,
    mother_update,
)
from laktasi.privacy.models import AccessLogEntry
from laktasi.privacy.services import mother_restrict
from laktasi.programs.models import Consultation
from laktasi.programs.services import (
    attendance_record,
    consultation_record,
    enrollment_add,
    program_create,
    session_create,
)
from laktasi.reports.selectors import report_build
from tests.api.conftest import ApiClient
from tests.followups.helpers import recall
from tests.imports.conftest import run_import, write_csv
from tests.web.helpers import client_for
from tests.web.helpers import knowledge_answers as form_answers


def knowledge_answers(correct: int) -> dict:
    """Service answers (item ids without the form's ``q_`` prefix)."""
    return {k[2:]: v for k, v in form_answers(correct).items()}


NIK = "3523120101950001"
PHONE = "081234567890"


def _api(user) -> ApiClient:
    return ApiClient(token_create(user=user, name="t")[1])


# ---------------------------------------------------------------------------- one policy


def test_policy_is_the_only_place_that_decides_by_role():
    """No copy of may_register / sees_full_nik survives outside accounts/policy.py."""
    root = Path(__file__).resolve().parents[2] / "laktasi"
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "policy.py"
        and any(f"def {name}(" in path.read_text() for name in ("may_register", "sees_full_nik"))
    ]
    assert offenders == []


# ---------------------------------------------------------------------------- M1


def test_m1_kader_edit_form_never_shows_full_nik(world):
    mother = world.mothers["melati"]
    page = client_for(world.users["kader"]).get(reverse("mothers:edit", args=[mother.pk]))
    assert page.status_code == 200
    assert NIK.encode() not in page.content
    assert PHONE.encode() not in page.content
    assert policy.mask_nik(NIK).encode() in page.content  # she sees which one is stored
    bidan = client_for(world.users["bidan"]).get(reverse("mothers:edit", args=[mother.pk]))
    assert NIK.encode() in bidan.content


def test_m1_edit_form_write_only_fields_keep_or_replace_the_stored_values(world):
    mother = world.mothers["melati"]
    client = client_for(world.users["kader"])
    url = reverse("mothers:edit", args=[mother.pk])
    data = {
        "full_name": "Siti Melati",
        "birth_date": "01/05/1995",
        "nik": "",
        "phone": "",
        "village": "35.23.12.2005",
        "facility": world.melati.pk,
        "parity": "2",
    }
    assert client.post(url, data).status_code == 302
    mother.refresh_from_db()
    assert (mother.nik, mother.phone, mother.parity) == (NIK, PHONE, 2)
    assert client.post(url, {**data, "phone": "0813 1111 2222"}).status_code == 302
    mother.refresh_from_db()
    assert mother.phone == "081311112222"


def test_m1_edit_form_writes_an_access_log_entry(world):
    mother = world.mothers["melati"]
    client_for(world.users["kader"]).get(reverse("mothers:edit", args=[mother.pk]))
    assert AccessLogEntry.objects.filter(mother_pk=mother.pk, action="edit").count() == 1


def test_m1_privacy_json_export_is_only_for_roles_that_see_full_identifiers(world):
    mother = world.mothers["melati"]
    url = reverse("privacy:export_json", args=[mother.pk])
    for role in ("kader", "coordinator"):
        response = client_for(world.users[role]).get(url)
        assert response.status_code == 404
        assert NIK.encode() not in response.content
    data = json.loads(client_for(world.users["bidan"]).get(url).content)
    assert data["records"]["mothers.Mother"][0]["nik"] == NIK


def test_m1_history_page_masks_nik_and_phone_for_kader(world):
    mother = world.mothers["melati"]
    mother_update(mother=mother, nik="3523120101950009", phone="081298765432")
    url = reverse("privacy:history", args=[mother.pk])
    page = client_for(world.users["kader"]).get(url).content
    for secret in (NIK, "3523120101950009", PHONE, "081298765432"):
        assert secret.encode() not in page
    assert policy.mask_nik("3523120101950009").encode() in page
    assert b"3523120101950009" in client_for(world.users["bidan"]).get(url).content


def test_m1_fhir_bundle_refused_to_kader_and_coordinators(world):
    for role in ("kader", "coordinator", "viewer"):
        response = _api(world.users[role]).get("/api/fhir/Bundle")
        assert response.status_code == 403
        assert NIK.encode() not in response.content
    assert NIK.encode() in _api(world.users["bidan"]).get("/api/fhir/Bundle").content


def test_m1_api_detail_masks_phone_and_companion_phone_for_kader(world):
    mother = world.mothers["melati"]
    data = _api(world.users["kader"]).get(f"/api/mothers/{mother.pk}").json()
    assert data["nik"] == policy.mask_nik(NIK)
    assert data["phone"] == policy.mask_phone(PHONE)
    assert data["companions"][0]["phone"] == policy.mask_phone("08129999999")


# ---------------------------------------------------------------------------- M2


@pytest.fixture
def two_posyandu_program(world):
    program = program_create(
        title="Program dua posyandu",
        organiser="Tim",
        kind="community_service",
        facility=world.puskesmas,
        start_date=date(2025, 1, 25),
        villages=[world.regions["35.23.12.2005"]],
        team=[world.users["coordinator"]],
    )
    for key in ("melati", "mawar"):
        enrollment_add(program=program, mother=world.mothers[key])
    return program


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "sav"])
def test_m2_viewer_cannot_download_row_level_report_files(world, two_posyandu_program, fmt):
    program = two_posyandu_program
    viewer = world.users["viewer"]
    web = client_for(viewer).get(
        reverse("reports:program", args=[program.pk]), {"format": fmt, "lang": "id"}
    )
    assert "Content-Disposition" not in web
    api = _api(viewer).get(f"/api/programs/{program.pk}/report", format=fmt)
    assert api.status_code == 403
    assert _api(viewer).get(f"/api/programs/{program.pk}/report", format="pdf").status_code == 200


def test_m2_cadre_report_holds_only_her_posyandu_mothers(world, two_posyandu_program):
    program = two_posyandu_program
    kader = report_build(program=program, lang="en", user=world.users["kader"])
    coordinator = report_build(program=program, lang="en", user=world.users["coordinator"])
    assert kader.numbers["n_mothers"] == 1
    assert coordinator.numbers["n_mothers"] == 2
    response = client_for(world.users["kader"]).get(
        reverse("reports:program", args=[program.pk]), {"format": "csv", "lang": "en"}
    )
    with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
        data = next(n for n in zf.namelist() if n.endswith("data.csv"))
        rows = list(csv.DictReader(io.StringIO(zf.read(data).decode("utf-8-sig"))))
    assert len({r["id"] for r in rows}) == 1


def test_m2_report_rows_carry_fresh_pseudonyms_and_coarse_quasi_identifiers(
    world, two_posyandu_program
):
    first = report_build(program=two_posyandu_program, lang="en")
    second = report_build(program=two_posyandu_program, lang="en")
    names = [v.name for v in first.data.variables]
    assert "age_years" not in names
    assert "baby_age_days" not in names
    assert {"age_group", "baby_age_weeks"} <= set(names)
    ids = {row[0] for row in first.data.rows}
    assert all(i.startswith("P-") for i in ids)
    assert not ids & {m.identifier for m in world.mothers.values()}
    assert ids.isdisjoint({row[0] for row in second.data.rows})  # nothing to join on


# ---------------------------------------------------------------------------- M3


def _block(state: str, mother: Mother, admin) -> None:
    if state == "restricted":
        mother_restrict(mother=mother, by=admin)
    else:
        consent_record(mother=mother, recorded_by=admin, text_version="1", action="withdrawn")


def _counts() -> tuple:
    return (
        Response.objects.count(),
        Consultation.objects.count(),
        Visit.objects.filter(done_on__isnull=False).count(),
        Mother.objects.filter(parity=5).count(),
        sum(m.babies.count() + m.companions.count() for m in Mother.objects.all()),
    )


@pytest.mark.parametrize("state", ["restricted", "withdrawn"])
def test_m3_every_write_service_refuses_a_restricted_or_withdrawn_mother(world, state, tmp_path):
    mother = world.mothers["melati"]
    kader = world.users["kader"]
    baby = mother.babies.get()
    visits_schedule(baby=baby, since=baby.birth_date)
    visits = list(Visit.objects.filter(baby=baby).order_by("due_date")[:2])
    earlier, _ = response_record(
        mother=mother,
        instrument_id="knowledge_test",
        timepoint="pre",
        answers=knowledge_answers(10),
        collected_by=kader,
    )
    session = session_create(program=world.program, starts_at="2025-01-25T09:00+07:00",
                             venue="Balai", facilitator="Bidan")  # fmt: skip
    _block(state, mother, world.users["admin"])
    mother.refresh_from_db()
    before = _counts()
    writes = {
        "response": lambda: response_record(
            mother=mother,
            instrument_id="knowledge_test",
            timepoint="post",
            answers=knowledge_answers(20),
            collected_by=kader,
        ),  # fmt: skip
        "response edit": lambda: response_update(
            response=earlier, answers=knowledge_answers(5), changed_by=kader
        ),
        "visit without recall": lambda: visit_record(
            visit=visits[0], recorded_by=kader, done_on=visits[0].due_date, mode="home"
        ),
        "visit with recall": lambda: visit_record(
            visit=visits[1],
            recorded_by=kader,
            done_on=visits[1].due_date,
            mode="home",
            recall_answers=recall(),
        ),  # fmt: skip
        "consultation": lambda: consultation_record(
            mother=mother, recorded_by=kader, question="?", advice="-"
        ),
        "attendance": lambda: attendance_record(
            session=session, mother=mother, companion_present=False
        ),
        "enrolment": lambda: enrollment_add(program=world.program, mother=mother),
        "correction": lambda: mother_update(mother=mother, by=kader, parity=5),
        "baby": lambda: baby_add(mother=mother, birth_date=date(2025, 3, 1), sex="M"),
        "companion": lambda: companion_add(mother=mother, relationship="mother", name="Ibu"),
    }
    refused = []
    for name, write in writes.items():
        with pytest.raises(ValidationError):
            write()
        refused.append(name)
    assert _counts() == before
    # Imports, even from the command line (no user): her row is rejected, nothing changes.
    path = write_csv(tmp_path / "m.csv", ["nik", "full_name", "birth_date", "parity"],
                     [[NIK, "Siti Melati", "01/05/1995", "5"]])  # fmt: skip
    for user in (kader, None):
        job, _plan = run_import(path, user=user, facility=world.melati)
        assert (job.rejected, job.created, job.updated) == (1, 0, 0)
    assert _counts() == before
    assert len(refused) == len(writes)


def test_m3_scope_hides_a_restricted_mother_from_everyone_but_administrators(world):
    api = lambda role: _api(world.users[role])  # noqa: E731
    mother = world.mothers["melati"]
    response_record(mother=mother, instrument_id="knowledge_test", timepoint="pre",
                    answers=knowledge_answers(10), collected_by=None)  # fmt: skip
    mother_restrict(mother=mother, by=world.users["admin"])
    assert api("kader").get("/api/responses").json()["count"] == 0
    assert api("admin").get("/api/responses").json()["count"] == 1
    baby_url = reverse("followups:baby", args=[mother.babies.get().pk])
    assert client_for(world.users["kader"]).get(baby_url).status_code == 404
    assert client_for(world.users["admin"]).get(baby_url).status_code == 200


# ---------------------------------------------------------------------------- M5


def test_m5_coordinator_facility_choices_are_her_programs_facilities(world):
    choices = set(policy.facility_choices(world.users["coordinator"]))
    assert choices == {world.melati}
    page = client_for(world.users["coordinator"]).get(
        reverse("mothers:edit", args=[world.mothers["melati"].pk])
    )
    assert b"Mawar" not in page.content
    assert b"Kenanga" not in page.content


def test_m5_coordinator_cannot_move_a_mother_to_another_posyandu(world):
    mother = world.mothers["melati"]
    coordinator = world.users["coordinator"]
    data = {"full_name": "Siti Melati", "birth_date": "01/05/1995", "village": "35.23.12.2005",
            "facility": world.mawar.pk, "parity": "1"}  # fmt: skip
    client_for(coordinator).post(reverse("mothers:edit", args=[mother.pk]), data)
    api = _api(coordinator)
    etag = api.get(f"/api/mothers/{mother.pk}")["ETag"]
    moved = api.patch(f"/api/mothers/{mother.pk}", {"facility": world.mawar.pk}, {"If-Match": etag})
    assert moved.status_code == 422
    with pytest.raises(ValidationError):
        mother_update(mother=mother, by=coordinator, facility=world.mawar)
    mother.refresh_from_db()
    assert mother.facility == world.melati
    assert not AccessLogEntry.objects.filter(action="move").exists()


def test_m5_a_bidan_of_both_networks_moves_her_and_the_move_is_logged(world):
    mother = world.mothers["melati"]
    bidan = world.users["bidan"]
    assert not policy.may_move_mother(bidan, mother, world.kenanga)  # another puskesmas
    mother_update(mother=mother, by=bidan, facility=world.mawar)
    mother.refresh_from_db()
    assert mother.facility == world.mawar
    entry = AccessLogEntry.objects.get(action="move")
    assert (entry.username, entry.mother_pk) == ("bidan", mother.pk)


# ---------------------------------------------------------------------------- low


def test_low_api_search_terms_travel_in_the_body_not_the_url(world):
    api = _api(world.users["kader"])
    found = api.post("/api/mothers/search", {"search": "Siti Melati"}).json()
    assert [m["identifier"] for m in found["items"]] == [world.mothers["melati"].identifier]
    by_nik = api.post("/api/mothers/search", {"search": NIK}).json()
    assert by_nik["count"] == 1
    # A search in the query string is not a search any more: it lists everyone in scope.
    assert api.get("/api/mothers", search="Nobody").json()["count"] == 1
    schema = json.loads((Path(__file__).resolve().parents[2] / "openapi/schema.json").read_text())
    params = schema["paths"]["/api/mothers"]["get"].get("parameters", [])
    assert "search" not in {p["name"] for p in params}


def test_low_api_attendance_does_not_enrol_a_mother_the_web_refuses(world):
    mother = world.mothers["mawar"]  # in the bidan's network, not in the program
    session = session_create(program=world.program, starts_at="2025-01-25T09:00+07:00",
                             venue="Balai", facilitator="Bidan")  # fmt: skip
    answer = _api(world.users["bidan"]).post(
        f"/api/sessions/{session.pk}/attendance", {"mother": mother.pk}
    )
    assert answer.status_code == 422
    assert not world.program.enrollments.filter(mother=mother).exists()


def test_low_access_log_covers_response_consultation_baby_visit_and_privacy_pages(world):
    mother = world.mothers["melati"]
    baby = mother.babies.get()
    visits_schedule(baby=baby, since=baby.birth_date)
    response, _ = response_record(mother=mother, instrument_id="knowledge_test",
                                  timepoint="pre", answers=knowledge_answers(10),
                                  collected_by=None)  # fmt: skip
    consultation, _ = consultation_record(mother=mother, recorded_by=None, question="?",
                                          advice="-")  # fmt: skip
    visit = Visit.objects.filter(baby=baby).first()
    client = client_for(world.users["kader"])
    urls = [
        reverse("instruments:response", args=[response.pk]),
        reverse("instruments:edit", args=[response.pk]),
        reverse("programs:consultation", args=[consultation.pk]),
        reverse("followups:baby", args=[baby.pk]),
        reverse("followups:record", args=[visit.pk]),
        reverse("privacy:mother", args=[mother.pk]),
        reverse("privacy:history", args=[mother.pk]),
    ]
    for url in urls:
        before = AccessLogEntry.objects.filter(mother_pk=mother.pk).count()
        assert client.get(url).status_code == 200, url
        assert AccessLogEntry.objects.filter(mother_pk=mother.pk).count() == before + 1, url


def test_low_consultation_and_visit_refused_after_consent_withdrawal(world):
    mother = world.mothers["melati"]
    baby = mother.babies.get()
    visits_schedule(baby=baby, since=baby.birth_date)
    visit = Visit.objects.filter(baby=baby).first()
    consent_record(mother=mother, recorded_by=None, text_version="1", action="withdrawn")
    # Outside a request the language is whatever was active: say which (a test run alone
    # gets Indonesian, the default).
    with translation.override("en"), pytest.raises(ValidationError, match="withdrawn"):
        consultation_record(mother=mother, recorded_by=None, question="?", advice="-")
    with translation.override("id"), pytest.raises(ValidationError, match="menarik persetujuan"):
        visit_record(visit=visit, recorded_by=None, done_on=visit.due_date, mode="home")
    assert not Consultation.objects.exists()


def test_low_registration_of_a_new_mother_is_not_blocked(world):
    """The write guard lets an ordinary registration through (baby and companion included)."""
    mother = mother_register(registered_by=None, full_name="Baru", birth_date=date(1996, 1, 1),
                             village=world.regions["35.23.12.2005"], facility=world.melati,
                             parity=1, baby={"birth_date": date(2025, 2, 1), "sex": "F"},
                             companion={"relationship": "husband", "name": "Suami"},
                             consent={"text_version": "1"})  # fmt: skip
    assert (mother.babies.count(), mother.companions.count()) == (1, 1)


def test_low_api_lists_write_one_access_log_entry_per_mother_listed(world):
    mother = world.mothers["melati"]
    baby = mother.babies.get()
    visits_schedule(baby=baby, since=baby.birth_date)
    response_record(mother=mother, instrument_id="knowledge_test", timepoint="pre",
                    answers=knowledge_answers(10), collected_by=None)  # fmt: skip
    api = _api(world.users["kader"])
    for path in ("/api/mothers", "/api/responses", "/api/visits"):
        before = AccessLogEntry.objects.filter(mother_pk=mother.pk, action="list").count()
        assert api.get(path).status_code == 200, path
        logged = AccessLogEntry.objects.filter(mother_pk=mother.pk, action="list").count()
        assert logged == before + 1, path
    api.post("/api/mothers/search", {"search": "Siti"})
    entries = AccessLogEntry.objects.filter(action="list", channel="api")
    assert set(entries.values_list("username", flat=True)) == {"kader"}
    assert not entries.exclude(mother_pk=mother.pk).exists()  # nobody out of her scope


def _report_text(report) -> str:
    parts = []
    for section in report.sections:
        for block in section.blocks:
            if hasattr(block, "body"):
                parts += [c.text for row in (*block.body, *block.foot) for c in row]
                parts += list(block.notes)
            parts += list(getattr(block, "items", ())) + [getattr(block, "text", "")]
    return "\n".join(parts)


def test_m2_viewers_report_marks_small_cells_and_lists_no_identifiers(world, two_posyandu_program):
    program = two_posyandu_program
    melati = world.mothers["melati"]
    response_record(mother=melati, instrument_id="knowledge_test", timepoint="pre",
                    program=program, answers=knowledge_answers(10), collected_by=None)  # fmt: skip
    full = _report_text(report_build(program=program, lang="en", user=world.users["admin"]))
    assert melati.identifier in full  # the team sees who still needs a post-test
    viewer = report_build(program=program, lang="en", user=world.users["viewer"])
    text = _report_text(viewer)
    assert melati.identifier not in text
    assert "<5" in text
    assert viewer.numbers["missing"]["knowledge_test"]["pre_only"] == 1
    web = client_for(world.users["viewer"]).get(
        reverse("reports:program", args=[program.pk]), {"format": "html", "lang": "en"}
    )
    assert melati.identifier.encode() not in web.content
    assert b"&lt;5" in web.content
