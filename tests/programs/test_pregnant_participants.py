"""Pregnant participants observe and practise on a model; no massage or hand-expression
checklist is recorded for them (FACTS §15 [U] defaults, content review H3)."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from laktasi.api.services import token_create
from laktasi.instruments import registry
from laktasi.instruments.models import Response
from laktasi.instruments.services import response_record
from laktasi.programs.models import Attendance
from laktasi.programs.services import attendance_record, session_create
from tests.api.conftest import ApiClient
from tests.web.helpers import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(world):
    return session_create(
        program=world.program,
        title="Praktik pijat dan memerah",
        starts_at=timezone.make_aware(datetime(2025, 1, 25, 9, 0)),
        venue="Balai desa",
        facilitator="Bidan",
        agenda=[("presentation", 30), ("demonstration", 20), ("practice", 30)],
    )


def _all_done(instrument_id):
    return {it.id: 1 for it in registry.get(instrument_id).items}


def _record(world, session, instrument_id):
    return response_record(
        mother=world.mothers["melati"], instrument_id=instrument_id, timepoint="post",
        answers=_all_done(instrument_id), collected_by=None, session=session,
    )  # fmt: skip


@pytest.mark.parametrize("instrument_id", ["oxytocin_massage_checklist", "marmet_checklist"])
def test_no_massage_or_expression_checklist_for_a_pregnant_participant(
    world, session, instrument_id
):
    attendance_record(session=session, mother=world.mothers["melati"], companion_present=True,
                      pregnant=True)  # fmt: skip
    with translation.override("id"), pytest.raises(ValidationError) as exc:
        _record(world, session, instrument_id)
    message = " ".join(exc.value.messages)
    assert "tercatat hamil" in message
    assert "boneka" in message
    assert "dikonfirmasi bidan program" in message
    assert not Response.objects.filter(instrument_id=instrument_id).exists()


def test_checklists_are_recorded_when_she_is_not_pregnant(world, session):
    attendance_record(session=session, mother=world.mothers["melati"], companion_present=True)
    for instrument_id in ("oxytocin_massage_checklist", "marmet_checklist"):
        response, created = _record(world, session, instrument_id)
        assert created
        assert response.category == "kompeten"


def test_midwife_screened_expression_is_allowed_but_massage_still_refused(world, session):
    attendance_record(session=session, mother=world.mothers["melati"], companion_present=False,
                      pregnant=True, antenatal_expression_cleared=True)  # fmt: skip
    _response, created = _record(world, session, "marmet_checklist")
    assert created
    with pytest.raises(ValidationError):
        _record(world, session, "oxytocin_massage_checklist")


def test_clearance_needs_a_pregnant_participant_and_ends_with_the_pregnancy(world, session):
    with pytest.raises(ValidationError):
        attendance_record(session=session, mother=world.mothers["melati"],
                          companion_present=False, antenatal_expression_cleared=True)  # fmt: skip
    attendance_record(session=session, mother=world.mothers["melati"], companion_present=False,
                      pregnant=True, antenatal_expression_cleared=True)  # fmt: skip
    row = attendance_record(session=session, mother=world.mothers["melati"],
                            companion_present=False, pregnant=False)  # fmt: skip
    assert (row.pregnant, row.antenatal_expression_cleared) == (False, False)


def test_tick_list_marks_her_pregnant_and_hands_on_items_say_observe_on_a_model(world, session):
    mother = world.mothers["melati"]
    client = client_for(world.users["kader"], "id")
    url = f"/program/sesi/{session.pk}/"
    response = client.post(url, {"present": [str(mother.pk)], "pregnant": [str(mother.pk)]})
    assert response.status_code == 302
    assert Attendance.objects.get(session=session, mother=mother).pregnant
    page = client.get(url).content.decode()
    assert "Praktik langsung" in page
    assert page.count("Siti Melati: mengamati / berlatih pada boneka") == 2  # demo + practice
    assert "hanya mengamati dan berlatih pada boneka payudara atau gambar" in page
    assert "dikonfirmasi bidan program" in page


def test_api_records_a_pregnant_participant(world, session):
    client = ApiClient(token_create(user=world.users["kader"], name="t")[1])
    body = client.post(f"/api/sessions/{session.pk}/attendance",
                       {"mother": world.mothers["melati"].pk, "pregnant": True}).json()  # fmt: skip
    assert body["pregnant"] is True
    assert body["antenatal_expression_cleared"] is False
