"""A test form (the knowledge post-test) replayed from a phone's offline queue, and the
post-test forms of a session's mothers on the sync list."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from laktasi.instruments import registry
from laktasi.instruments.models import Response
from laktasi.mothers.models import Mother
from laktasi.programs.services import session_create
from tests.conftest import PASSWORD

OFFLINE = {"HTTP_X_LAKTASI_OFFLINE": "1"}


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def _post_test(world, key=None) -> dict:
    data = {
        "collected_on": timezone.localdate().isoformat(),
        "program": str(world.program.pk),
        "form_token": str(key or uuid.uuid4()),
        "instrument_version": registry.get("knowledge_test").version,
    }
    for item in registry.get("knowledge_test").items:
        data[f"q_{item.id}"] = "true" if item.key else "false"
    return data


def _url(world) -> str:
    return reverse("instruments:fill", args=[world.mothers["melati"].pk, "knowledge_test", "post"])


def test_replayed_post_test_is_saved_once_and_scored_on_the_server(client, world):
    _login(client, world.users["kader"])
    data = _post_test(world)
    first = client.post(_url(world), data, **OFFLINE)
    assert first.status_code == 201
    assert first.json()["outcome"] == "created"
    again = client.post(_url(world), data, **OFFLINE)
    assert again.json()["outcome"] == "duplicate"
    saved = Response.objects.get(instrument_id="knowledge_test", timepoint="post")
    assert first.json()["url"] == reverse("instruments:response", args=[saved.pk])
    assert saved.score_pct == 100.0
    assert str(saved.submission_uuid) == data["form_token"]


def test_second_post_test_under_another_key_is_a_conflict(client, world):
    _login(client, world.users["kader"])
    assert client.post(_url(world), _post_test(world), **OFFLINE).status_code == 201
    other = client.post(_url(world), _post_test(world), **OFFLINE)
    assert other.status_code == 409
    assert other.json()["reason"] == "refused"
    assert other.json()["message"]
    assert Response.objects.filter(instrument_id="knowledge_test", timepoint="post").count() == 1


def test_post_test_of_a_restricted_mother_is_a_conflict(client, world):
    Mother.objects.filter(pk=world.mothers["melati"].pk).update(restricted=True)
    _login(client, world.users["kader"])
    reply = client.post(_url(world), _post_test(world), **OFFLINE)
    assert reply.status_code == 409
    assert reply.json()["reason"] == "unavailable"
    assert not Response.objects.filter(instrument_id="knowledge_test").exists()


def test_incomplete_post_test_is_invalid(client, world):
    _login(client, world.users["kader"])
    data = _post_test(world)
    first_item = registry.get("knowledge_test").items[0].id
    del data[f"q_{first_item}"]
    reply = client.post(_url(world), data, **OFFLINE)
    assert reply.status_code == 422
    assert reply.json()["errors"]
    assert not Response.objects.filter(instrument_id="knowledge_test").exists()


def test_sync_lists_post_test_forms_of_the_coming_sessions_mothers(client, world):
    _login(client, world.users["kader"])
    form = f"{_url(world)}?program={world.program.pk}"
    assert form not in client.get("/sinkron/").json()["urls"]
    tomorrow = timezone.localdate() + timedelta(days=1)
    session_create(
        program=world.program,
        title="Sesi",
        starts_at=timezone.make_aware(datetime.combine(tomorrow, time(9, 0))),
        venue="Posyandu",
        facilitator="Tim",
        agenda=[("posttest", 10)],
    )
    urls = client.get("/sinkron/").json()["urls"]
    assert form in urls
    page = client.get(form)
    assert page.status_code == 200
    assert b'data-offline-key="form_token"' in page.content
    version = registry.get("knowledge_test").version
    assert f'name="instrument_version" value="{version}"'.encode() in page.content
    _login(client, world.users["kader_mawar"])
    assert form not in client.get("/sinkron/").json()["urls"]


def test_post_test_saved_online_is_a_duplicate_when_its_kept_copy_arrives(client, world):
    """A form submitted online keeps a copy in the phone's queue (sent at the next page load):
    the copy of a saved post-test is answered "duplicate", never a conflict or a second one."""
    _login(client, world.users["kader"])
    data = _post_test(world)
    assert client.post(_url(world), data).status_code == 302
    reply = client.post(_url(world), data, **OFFLINE)
    assert reply.status_code == 200
    assert reply.json()["outcome"] == "duplicate"
    assert Response.objects.filter(instrument_id="knowledge_test", timepoint="post").count() == 1


def test_a_test_filled_on_an_older_version_of_the_form_is_a_conflict_not_saved(client, world):
    """Answers are keyed by item: under another version of the form they could mean something
    else, so an entry made on an older (or unknown) version is never scored."""
    _login(client, world.users["kader"])
    for version in ("0.9-old", None):
        data = _post_test(world)
        if version is None:
            del data["instrument_version"]
        else:
            data["instrument_version"] = version
        answer = client.post(_url(world), data, **OFFLINE)
        assert answer.status_code == 409
        assert answer.json()["reason"] == "form_changed"
        assert "Buka lagi formulirnya" in answer.json()["message"]
    assert not Response.objects.filter(instrument_id="knowledge_test", timepoint="post").exists()
    assert client.post(_url(world), _post_test(world), **OFFLINE).status_code == 201
