"""Consultations replayed from a phone's offline queue (the consultation form, data-offline)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from laktasi.core.idempotency import key_lookup as idempotency_lookup
from laktasi.mothers.models import ConsentAction, Mother
from laktasi.mothers.services import consent_record
from laktasi.programs.models import Consultation
from laktasi.programs.services import CONSULTATION_KIND, consultation_record_once
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

OFFLINE = {"HTTP_X_LAKTASI_OFFLINE": "1"}


def _payload(key=None, **overrides) -> dict:
    data = {
        "form_token": str(key or uuid.uuid4()),
        "question": "Puting lecet sejak dua hari",
        "advice": "Perbaiki pelekatan; oleskan ASI",
        "referred_to": "",
        "followup_date": "",
        "program": "",
        "session": "",
        "recorded_at": "",
    }
    data.update(overrides)
    return data


def _send(client, mother, data, **headers):
    url = reverse("programs:consultation_add", args=[mother.pk])
    return client.post(url, data, **{**OFFLINE, **headers})


@pytest.fixture
def kader(client, world):
    assert client.login(username=world.users["kader"].username, password=PASSWORD)
    return client


def test_replayed_consultation_is_saved_once(kader, world):
    melati = world.mothers["melati"]
    data = _payload()
    first = _send(kader, melati, data)
    assert first.status_code == 201
    assert first.json()["outcome"] == "created"
    consultation = Consultation.objects.get()
    assert first.json()["url"] == reverse("programs:consultation", args=[consultation.pk])
    assert consultation.recorded_by == world.users["kader"]
    for _ in range(2):
        again = _send(kader, melati, data)
        assert again.status_code == 200
        assert again.json()["outcome"] == "duplicate"
        assert again.json()["url"] == first.json()["url"]
    assert Consultation.objects.count() == 1
    key = uuid.UUID(data["form_token"])
    assert idempotency_lookup(key=key, kind=CONSULTATION_KIND) == consultation.pk


def test_consultation_saved_online_then_replayed_from_the_queue_is_a_duplicate(kader, world):
    """The web form claims the same key: its copy in a phone's queue is not saved again."""
    melati = world.mothers["melati"]
    data = _payload()
    online = kader.post(reverse("programs:consultation_add", args=[melati.pk]), data)
    assert online.status_code == 302
    reply = _send(kader, melati, data)
    assert reply.json()["outcome"] == "duplicate"
    assert Consultation.objects.count() == 1


def test_queued_consultation_keeps_the_time_the_phone_saved_it(kader, world):
    yesterday = timezone.now() - timedelta(days=1)
    data = _payload(recorded_at=yesterday.isoformat())
    assert _send(kader, world.mothers["melati"], data).status_code == 201
    saved = Consultation.objects.get().recorded_at
    assert abs((saved - yesterday).total_seconds()) < 1


def test_consultation_dated_by_a_phone_clock_far_ahead_is_invalid(kader, world):
    ahead = timezone.now() + timedelta(days=3)
    reply = _send(kader, world.mothers["melati"], _payload(recorded_at=ahead.isoformat()))
    assert reply.status_code == 422
    assert reply.json()["errors"]["recorded_at"]
    assert not Consultation.objects.exists()


def test_consultation_with_field_errors_is_invalid_and_kept(kader, world):
    key = uuid.uuid4()
    melati = world.mothers["melati"]
    reply = _send(kader, melati, _payload(key, referral_needed="on", question=""))
    assert reply.status_code == 422
    body = reply.json()
    assert body["outcome"] == "invalid"
    assert set(body["errors"]) >= {"question", "referred_to"}
    assert not Consultation.objects.exists()
    assert idempotency_lookup(key=key, kind=CONSULTATION_KIND) is None
    # Once corrected, the same key saves it.
    assert _send(kader, melati, _payload(key)).json()["outcome"] == "created"


def test_consultation_without_a_key_is_invalid(kader, world):
    reply = _send(kader, world.mothers["melati"], _payload(form_token=""))
    assert reply.status_code == 422
    assert reply.json()["errors"]["form_token"]
    assert not Consultation.objects.exists()


@pytest.mark.parametrize("change", ["restricted", "withdrawn"])
def test_consultation_for_a_mother_out_of_scope_is_a_conflict_without_her_data(
    kader, world, change
):
    melati = world.mothers["melati"]
    if change == "restricted":
        Mother.objects.filter(pk=melati.pk).update(restricted=True)
    else:
        consent_record(
            mother=melati, recorded_by=None, text_version="1", action=ConsentAction.WITHDRAWN
        )
    key = uuid.uuid4()
    reply = _send(kader, melati, _payload(key))
    assert reply.status_code == 409
    assert reply.json()["reason"] == "unavailable"
    text = reply.content.decode()
    assert "Melati" not in text
    assert melati.identifier not in text
    assert not Consultation.objects.exists()
    assert idempotency_lookup(key=key, kind=CONSULTATION_KIND) is None


def test_consultation_of_another_posyandu_is_a_conflict(kader, world):
    reply = _send(kader, world.mothers["mawar"], _payload())
    assert reply.status_code == 409
    assert reply.json()["reason"] == "unavailable"
    assert "Mawar" not in reply.content.decode()
    assert not Consultation.objects.exists()


def test_service_refuses_a_restricted_mother_without_claiming_the_key(world):
    melati = world.mothers["melati"]
    Mother.objects.filter(pk=melati.pk).update(restricted=True)
    melati.refresh_from_db()
    key = uuid.uuid4()
    with pytest.raises(ValidationError):
        consultation_record_once(key=key, mother=melati, recorded_by=None, question="q", advice="a")
    assert idempotency_lookup(key=key, kind=CONSULTATION_KIND) is None
    assert not Consultation.objects.exists()


def test_consultation_form_is_marked_for_the_offline_queue(kader, world):
    melati = world.mothers["melati"]
    page = kader.get(reverse("programs:consultation_add", args=[melati.pk])).content.decode()
    assert 'data-offline data-offline-key="form_token"' in page
    assert f'data-offline-next="{reverse("mothers:detail", args=[melati.pk])}"' in page
    assert 'name="recorded_at"' in page
    assert "data-offline-now" in page
