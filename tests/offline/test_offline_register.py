"""A mother's registration replayed from a phone's offline queue."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from laktasi.core.models import IdempotencyKey
from laktasi.mothers.models import Mother
from tests.conftest import PASSWORD
from tests.web.helpers import registration_payload

pytestmark = pytest.mark.django_db

OFFLINE = {"HTTP_X_LAKTASI_OFFLINE": "1"}
REGISTER = "/ibu/daftar/"


def _client(world, name="kader") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="id")
    assert client.login(username=world.users[name].username, password=PASSWORD)
    return client


def _payload(world, **overrides) -> dict:
    return registration_payload(**{"facility": world.melati.pk, **overrides})


def test_replayed_registration_creates_one_mother(world):
    client = _client(world)
    data = _payload(world)
    first = client.post(REGISTER, data, **OFFLINE)
    assert first.status_code == 201
    mother = Mother.objects.get(full_name="Ani Lestari")
    assert first.json() == {
        "outcome": "created",
        "reason": "",
        "message": "",
        "url": reverse("mothers:detail", args=[mother.pk]),
    }
    assert mother.registered_by == world.users["kader"]
    assert mother.babies.count() == 1
    again = client.post(REGISTER, data, **OFFLINE)
    assert again.status_code == 200
    assert again.json()["outcome"] == "duplicate"
    assert again.json()["url"] == first.json()["url"]
    assert Mother.objects.filter(full_name="Ani Lestari").count() == 1
    key = IdempotencyKey.objects.get(key=data["form_token"])
    assert (key.kind, key.object_pk) == ("mother_register", mother.pk)


def test_key_is_durable_after_the_web_forms_cache_is_gone(world):
    client = _client(world)
    data = _payload(world)
    assert client.post(REGISTER, data, **OFFLINE).status_code == 201
    cache.clear()  # days later: the 24-hour double-submit token has expired
    assert client.post(REGISTER, data, **OFFLINE).json()["outcome"] == "duplicate"
    assert Mother.objects.filter(full_name="Ani Lestari").count() == 1


def test_invalid_registration_stays_queued_with_indonesian_errors(world):
    client = _client(world)
    reply = client.post(REGISTER, _payload(world, full_name="", **{"baby-sex": ""}), **OFFLINE)
    assert reply.status_code == 422
    body = reply.json()
    assert body["outcome"] == "invalid"
    assert "full_name" in body["errors"]
    assert "baby-sex" in body["errors"]
    assert "tidak boleh kosong" in body["errors"]["full_name"][0]
    assert "Server menemukan kesalahan" in body["message"]
    assert not Mother.objects.filter(full_name="Ani Lestari").exists()
    assert not IdempotencyKey.objects.exists()


def test_possible_duplicate_is_a_conflict_until_confirmed(world):
    client = _client(world)
    assert client.post(REGISTER, _payload(world), **OFFLINE).status_code == 201
    second = _payload(world)
    reply = client.post(REGISTER, second, **OFFLINE)
    assert reply.status_code == 409
    assert reply.json()["reason"] == "possible_duplicate"
    assert "Ani" not in reply.content.decode()
    assert Mother.objects.filter(full_name="Ani Lestari").count() == 1


def test_registration_form_is_on_the_sync_list_and_queueable(world):
    client = _client(world)
    assert REGISTER in client.get("/sinkron/").json()["urls"]
    page = client.get(REGISTER).content.decode()
    assert 'data-offline data-offline-key="form_token"' in page


def test_form_saved_online_is_a_duplicate_when_its_queued_copy_arrives(world):
    client = _client(world)
    data = _payload(world)
    online = client.post(REGISTER, data)
    assert online.status_code == 302
    cache.clear()  # the web form's 24-hour token is gone; the durable key is not
    queued = client.post(REGISTER, data, **OFFLINE)
    assert queued.json()["outcome"] == "duplicate"
    assert queued.json()["url"] == online["Location"]
    again_online = client.post(REGISTER, data)
    assert again_online["Location"] == online["Location"]
    assert Mother.objects.filter(full_name="Ani Lestari").count() == 1
