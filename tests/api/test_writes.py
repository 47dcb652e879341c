"""Writes: registration, idempotent responses and visits, optimistic concurrency."""

from __future__ import annotations

import uuid

from django.utils import timezone

from laktasi.followups.models import Visit
from laktasi.instruments.models import Response
from laktasi.mothers.models import Mother
from laktasi.programs.services import session_create
from tests.api.test_fhir import first_choice_answers


def test_kader_registers_a_mother_in_her_posyandu(api, world):
    payload = {
        "full_name": "Ani Baru", "birth_date": "1998-02-03", "village": "35.23.12.2005",
        "facility": world.melati.pk, "parity": 1,
        "baby": {"birth_date": "2025-02-01", "sex": "M"},
        "consent": {"text_version": "1"},
    }  # fmt: skip
    response = api("kader").post("/api/mothers", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["identifier"].startswith("LK-")
    assert body["has_consent"]
    assert response["ETag"] == body["etag"]
    other = api("kader").post("/api/mothers", {**payload, "facility": world.mawar.pk})
    assert other.status_code == 422
    assert api("coordinator").post("/api/mothers", payload).status_code == 403


def test_response_create_is_scored_and_idempotent(api, world):
    key = str(uuid.uuid4())
    payload = {
        "submission_uuid": key, "mother": world.mothers["melati"].pk,
        "instrument_id": "milk_smoothness", "timepoint": "pre",
        "answers": first_choice_answers("milk_smoothness"),
    }  # fmt: skip
    first = api("kader").post("/api/responses", payload)
    assert first.status_code == 201, first.content
    assert first.json()["category"]
    again = api("kader").post("/api/responses", payload)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Response.objects.filter(submission_uuid=key).count() == 1
    # The same UUID from someone who cannot see the mother reveals nothing.
    assert api("kader_mawar").post("/api/responses", payload).status_code == 404


def test_visit_record_is_idempotent_on_client_uuid(api, scheduled):
    mother = scheduled.mothers["melati"]
    visit = Visit.objects.filter(baby__mother=mother).order_by("due_date").first()
    key = str(uuid.uuid4())
    payload = {"submission_uuid": key, "done_on": timezone.localdate().isoformat(),
               "mode": "home", "problems": ["sore_nipples"]}  # fmt: skip
    first = api("kader").post(f"/api/visits/{visit.pk}/record", payload)
    assert first.status_code == 201, first.content
    assert first.json()["done_on"] == payload["done_on"]
    again = api("kader").post(f"/api/visits/{visit.pk}/record", payload)
    assert again.status_code == 200
    other = api("kader").post(f"/api/visits/{visit.pk}/record",
                              {**payload, "submission_uuid": str(uuid.uuid4())})  # fmt: skip
    assert other.status_code == 409


def test_tasks_list_the_users_visits(api, scheduled):
    body = api("kader").get("/api/tasks", today="2025-01-12").json()
    babies = {t["visit"]["mother"] for group in ("due_today", "overdue", "upcoming", "missed")
              for t in body[group]}  # fmt: skip
    assert babies <= {scheduled.mothers["melati"].pk}


def test_patch_needs_if_match_and_refuses_a_stale_etag(api, world):
    mother = world.mothers["melati"]
    client = api("bidan")
    etag = client.get(f"/api/mothers/{mother.pk}")["ETag"]
    assert client.patch(f"/api/mothers/{mother.pk}", {"address": "RT 1"}).status_code == 428
    ok = client.patch(f"/api/mothers/{mother.pk}", {"address": "RT 1"}, headers={"If-Match": etag})
    assert ok.status_code == 200, ok.content
    assert ok["ETag"] != etag
    stale = client.patch(f"/api/mothers/{mother.pk}", {"address": "RT 2"},
                         headers={"If-Match": etag})  # fmt: skip
    assert stale.status_code == 412
    assert stale["Content-Type"] == "application/problem+json"
    assert Mother.objects.get(pk=mother.pk).address == "RT 1"


def test_attendance_is_recorded_once(api, world):
    session = session_create(program=world.program, starts_at=timezone.now(), venue="Balai",
                             facilitator="Bidan")  # fmt: skip
    payload = {"mother": world.mothers["melati"].pk, "companion_present": True}
    first = api("kader").post(f"/api/sessions/{session.pk}/attendance", payload)
    second = api("kader").post(f"/api/sessions/{session.pk}/attendance", payload)
    assert first.status_code == second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["companion"]
    listed = api("kader").get(f"/api/sessions/{session.pk}/attendance").json()
    assert listed["count"] == 1


def test_fhir_endpoint_exports_the_users_scope(api, world):
    response = api("bidan").get("/api/fhir/Bundle")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    text = response.content.decode()
    assert world.mothers["melati"].identifier in text
    assert world.mothers["kenanga"].identifier not in text
    for role in ("viewer", "kader", "coordinator"):  # masked NIK only: no full bundle
        assert api(role).get("/api/fhir/Bundle").status_code == 403
