"""Attendance ticks replayed from a phone's offline queue (one htmx row each)."""

from __future__ import annotations

import uuid
from datetime import datetime, time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from laktasi.core.idempotency import key_lookup as idempotency_lookup
from laktasi.mothers.models import ConsentAction, Mother
from laktasi.mothers.services import consent_record
from laktasi.programs.models import Attendance
from laktasi.programs.services import ATTENDANCE_KIND, attendance_set_once, session_create
from tests.conftest import PASSWORD

OFFLINE = {"HTTP_X_LAKTASI_OFFLINE": "1"}


@pytest.fixture
def session(world):
    today = timezone.localdate()
    return session_create(
        program=world.program,
        title="Sesi",
        starts_at=timezone.make_aware(datetime.combine(today, time(9, 0))),
        venue="Posyandu",
        facilitator="Tim",
    )


def _tick(client, session, mother, *, key=None, present=True, companion=False):
    data = {"submission_uuid": str(key or uuid.uuid4())}
    if present:
        data["present"] = str(mother.pk)
    if companion:
        data["companion"] = str(mother.pk)
    url = reverse("programs:attendance_toggle", args=[session.pk, mother.pk])
    return client.post(url, data, **OFFLINE)


def test_replayed_attendance_tick_is_saved_once(client, world, session):
    assert client.login(username=world.users["kader"].username, password=PASSWORD)
    melati = world.mothers["melati"]
    key = uuid.uuid4()
    first = _tick(client, session, melati, key=key)
    assert first.status_code == 201
    assert first.json()["outcome"] == "created"
    assert first.json()["url"] == reverse("programs:session", args=[session.pk])
    again = _tick(client, session, melati, key=key)
    assert again.status_code == 200
    assert again.json()["outcome"] == "duplicate"
    # The same ticks under a fresh key (a second tap on a reopened page): nothing changes.
    other_key = _tick(client, session, melati)
    assert other_key.json()["outcome"] == "duplicate"
    assert Attendance.objects.filter(session=session, mother=melati).count() == 1


def test_offline_untick_and_companion_follow_the_queue_order(client, world, session):
    assert client.login(username=world.users["kader"].username, password=PASSWORD)
    melati = world.mothers["melati"]
    assert _tick(client, session, melati).status_code == 201
    assert _tick(client, session, melati, companion=True).json()["outcome"] == "created"
    assert Attendance.objects.get(session=session, mother=melati).companion_present
    untick = _tick(client, session, melati, present=False)
    assert untick.json()["outcome"] == "created"
    assert not Attendance.objects.filter(session=session, mother=melati).exists()


def test_attendance_of_a_restricted_mother_is_a_conflict(client, world, session):
    Mother.objects.filter(pk=world.mothers["melati"].pk).update(restricted=True)
    assert client.login(username=world.users["kader"].username, password=PASSWORD)
    reply = _tick(client, session, world.mothers["melati"])
    assert reply.status_code == 409
    assert reply.json()["reason"] == "unavailable"
    assert "Melati" not in reply.content.decode()
    assert not Attendance.objects.exists()


def test_attendance_after_consent_withdrawn_is_a_conflict_and_can_be_retried(
    client, world, session
):
    melati = world.mothers["melati"]
    consent_record(
        mother=melati, recorded_by=None, text_version="1", action=ConsentAction.WITHDRAWN
    )
    assert client.login(username=world.users["kader"].username, password=PASSWORD)
    key = uuid.uuid4()
    reply = _tick(client, session, melati, key=key)
    assert reply.status_code == 409
    assert reply.json()["reason"] == "unavailable"  # a withdrawal takes her out of scope
    assert "Melati" not in reply.content.decode()
    assert not Attendance.objects.exists()
    # The key was not claimed: once consent is given again, the same entry is saved.
    consent_record(mother=melati, recorded_by=None, text_version="1", action=ConsentAction.GIVEN)
    assert _tick(client, session, melati, key=key).json()["outcome"] == "created"
    assert Attendance.objects.filter(session=session, mother=melati).count() == 1


def test_attendance_without_a_key_is_invalid(client, world, session):
    assert client.login(username=world.users["kader"].username, password=PASSWORD)
    melati = world.mothers["melati"]
    url = reverse("programs:attendance_toggle", args=[session.pk, melati.pk])
    reply = client.post(url, {"present": str(melati.pk)}, **OFFLINE)
    assert reply.status_code == 422
    assert reply.json()["errors"]["submission_uuid"]
    assert not Attendance.objects.exists()


def test_session_rows_are_marked_for_the_offline_queue(client, world, session):
    assert client.login(username=world.users["kader"].username, password=PASSWORD)
    page = client.get(reverse("programs:session", args=[session.pk]))
    assert page.status_code == 200
    pk = world.mothers["melati"].pk
    assert f'for="present-{pk}" data-offline data-offline-label=' in page.content.decode()


def test_service_refuses_a_restricted_mother_without_claiming_the_key(world, session):
    melati = world.mothers["melati"]
    Mother.objects.filter(pk=melati.pk).update(restricted=True)
    melati.refresh_from_db()
    key = uuid.uuid4()
    with pytest.raises(ValidationError):
        attendance_set_once(
            session=session, mother=melati, key=key, present=True, companion_present=False
        )
    assert idempotency_lookup(key=key, kind=ATTENDANCE_KIND) is None
    assert not Attendance.objects.exists()
