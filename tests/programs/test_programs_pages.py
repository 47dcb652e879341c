"""Program pages: sessions, attendance tick lists, enrolment, the consultation log."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from django.utils import timezone

from laktasi.mothers.models import Mother
from laktasi.programs.models import Attendance, Consultation
from laktasi.programs.services import program_create, session_create
from tests.web.helpers import client_for, registration_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(world):
    return session_create(
        program=world.program,
        title="Pelatihan pijat oksitosin",
        starts_at=timezone.make_aware(datetime(2025, 1, 25, 9, 0)),
        venue="Rumah Bidan",
        facilitator="Tim",
        agenda=[("presentation", 30), ("practice", 30)],
    )


# ---------------------------------------------------------------------------- program page


def test_program_page_lists_sessions_and_participants(world, session):
    page = client_for(world.users["kader"]).get(f"/program/{world.program.pk}/").content.decode()
    assert "Pelatihan pijat oksitosin" in page
    assert f"/program/sesi/{session.pk}/" in page
    assert "Siti Melati" in page
    assert f"/instrumen/program/{world.program.pk}/" in page  # the matrix, also without JS


def test_viewer_sees_the_program_without_names(world, session):
    page = client_for(world.users["viewer"]).get(f"/program/{world.program.pk}/").content.decode()
    assert "Pelatihan pijat oksitosin" in page
    assert "Siti Melati" not in page
    assert f"/program/sesi/{session.pk}/" not in page


def test_program_outside_the_users_area_is_404(world):
    assert (
        client_for(world.users["kader_mawar"]).get(f"/program/{world.program.pk}/").status_code
        == 404
    )


def test_register_and_enrol_from_the_program_page(world):
    client = client_for(world.users["kader"])
    data = registration_payload(facility=world.melati.pk)
    response = client.post(f"/program/{world.program.pk}/daftar-ibu/", data)
    mother = Mother.objects.get(full_name="Ani Lestari")
    assert response.status_code == 302
    assert world.program.enrollments.filter(mother=mother).exists()


def test_enrol_an_existing_mother(world):
    other = program_create(
        title="Kelas ibu",
        organiser="Puskesmas",
        kind="puskesmas_routine",
        facility=world.melati,
        start_date=world.program.start_date,
    )
    mother = world.mothers["melati"]
    client = client_for(world.users["kader"])
    assert "Kelas ibu" in client.get(f"/program/ibu/{mother.pk}/ikut/").content.decode()
    response = client.post(f"/program/ibu/{mother.pk}/ikut/", {"program": other.pk})
    assert response.status_code == 302
    assert other.enrollments.filter(mother=mother).exists()


# ---------------------------------------------------------------------------- attendance


def test_attendance_tick_list_saves_without_javascript(world, session):
    mother = world.mothers["melati"]
    client = client_for(world.users["kader"])
    page = client.get(f"/program/sesi/{session.pk}/").content.decode()
    assert 'name="present"' in page
    assert "hx-post" in page
    response = client.post(
        f"/program/sesi/{session.pk}/", {"present": [mother.pk], "companion": [mother.pk]}
    )
    assert response.status_code == 302
    attendance = Attendance.objects.get(session=session, mother=mother)
    assert attendance.companion_present
    assert attendance.companion == mother.companions.first()
    client.post(f"/program/sesi/{session.pk}/", {})
    assert not Attendance.objects.filter(session=session).exists()


def test_attendance_toggle_with_htmx_returns_the_row(world, session):
    mother = world.mothers["melati"]
    client = client_for(world.users["kader"])
    url = f"/program/sesi/{session.pk}/hadir/{mother.pk}/"
    response = client.post(url, {"present": [mother.pk]}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.startswith(f'<tr id="att-{mother.pk}">')
    assert 'id="present-total" hx-swap-oob="true"' in body
    assert not Attendance.objects.get(session=session, mother=mother).companion_present
    twice = client.post(url, {"present": [mother.pk]}, HTTP_HX_REQUEST="true")
    assert twice.status_code == 200
    assert Attendance.objects.filter(session=session, mother=mother).count() == 1


def test_attendance_toggle_without_htmx_redirects_to_the_list(world, session):
    mother = world.mothers["melati"]
    client = client_for(world.users["kader"])
    response = client.post(f"/program/sesi/{session.pk}/hadir/{mother.pk}/", {})
    assert response.status_code == 302
    assert response["Location"] == f"/program/sesi/{session.pk}/"


def test_companion_without_the_mother_is_not_recorded(world, session):
    mother = world.mothers["melati"]
    client = client_for(world.users["kader"])
    client.post(f"/program/sesi/{session.pk}/", {"companion": [mother.pk]})
    assert not Attendance.objects.filter(session=session).exists()


def test_attendance_of_a_mother_outside_scope_is_404(world, session):
    world.program.enrollments.create(mother=world.mothers["mawar"])
    client = client_for(world.users["kader"])
    url = f"/program/sesi/{session.pk}/hadir/{world.mothers['mawar'].pk}/"
    assert client.post(url, {"present": [world.mothers["mawar"].pk]}).status_code == 404
    # and the full form ignores rows the user cannot see
    client.post(f"/program/sesi/{session.pk}/", {"present": [world.mothers["mawar"].pk]})
    assert not Attendance.objects.filter(mother=world.mothers["mawar"]).exists()


def test_attendance_toggle_needs_post(world, session):
    mother = world.mothers["melati"]
    url = f"/program/sesi/{session.pk}/hadir/{mother.pk}/"
    assert client_for(world.users["kader"]).get(url).status_code == 405


def test_session_of_another_area_is_404(world, session):
    assert (
        client_for(world.users["kader_mawar"]).get(f"/program/sesi/{session.pk}/").status_code
        == 404
    )


# ---------------------------------------------------------------------------- consultations


def consultation_payload(**overrides):
    data = {
        "form_token": str(uuid.uuid4()),
        "question": "Puting lecet sejak dua hari",
        "advice": "Perbaiki pelekatan; oleskan ASI",
        "referred_to": "",
        "followup_date": "",
        "program": "",
        "session": "",
    }
    data.update(overrides)
    return data


def test_consultation_is_saved_once_even_if_submitted_twice(world):
    mother = world.mothers["melati"]
    client = client_for(world.users["kader"])
    data = consultation_payload(program=world.program.pk, followup_date="01/12/2030")
    first = client.post(f"/program/ibu/{mother.pk}/konsultasi/", data)
    second = client.post(f"/program/ibu/{mother.pk}/konsultasi/", data)
    consultation = Consultation.objects.get()
    assert first["Location"] == second["Location"] == f"/program/konsultasi/{consultation.pk}/"
    assert consultation.recorded_by == world.users["kader"]
    assert consultation.followup_date.isoformat() == "2030-12-01"
    assert consultation.program == world.program
    page = client.get(first["Location"]).content.decode()
    assert "Puting lecet" in page


def test_referral_needs_a_place(world):
    mother = world.mothers["melati"]
    client = client_for(world.users["kader"])
    data = consultation_payload(referral_needed="on")
    response = client.post(f"/program/ibu/{mother.pk}/konsultasi/", data)
    assert "Say where the mother is referred to." in response.content.decode()
    assert not Consultation.objects.exists()


def test_consultation_appears_on_the_mother_timeline(world):
    mother = world.mothers["melati"]
    client = client_for(world.users["kader"])
    data = consultation_payload(referral_needed="on", referred_to="Puskesmas Jenu")
    client.post(f"/program/ibu/{mother.pk}/konsultasi/", data)
    page = client.get(f"/ibu/{mother.pk}/").content.decode()
    assert "k-consultation" in page
    assert "Puting lecet" in page
    assert "referral" in page


def test_consultations_are_scoped(world):
    mother = world.mothers["mawar"]
    client = client_for(world.users["kader"])
    assert client.get(f"/program/ibu/{mother.pk}/konsultasi/").status_code == 404
    assert (
        client.post(f"/program/ibu/{mother.pk}/konsultasi/", consultation_payload()).status_code
        == 404
    )
    own = client_for(world.users["kader_mawar"])
    own.post(f"/program/ibu/{mother.pk}/konsultasi/", consultation_payload())
    consultation = Consultation.objects.get()
    assert client.get(f"/program/konsultasi/{consultation.pk}/").status_code == 404
