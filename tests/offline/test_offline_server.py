"""The server side of offline field work: manifest, service worker, sync list, and the JSON
outcomes of a visit replayed from a phone's queue (created once, duplicate, conflicts)."""

from __future__ import annotations

import io
import uuid

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from PIL import Image

from laktasi.followups.models import Visit
from laktasi.instruments.models import Response
from laktasi.mothers.models import Mother
from laktasi.offline.identity import cache_id
from tests.conftest import PASSWORD
from tests.followups.helpers import new_baby, record, scheduled
from tests.offline.helpers import visit_post

OFFLINE = {"HTTP_X_LAKTASI_OFFLINE": "1"}


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


@pytest.fixture
def visit(world) -> Visit:
    return scheduled(new_baby(world.mothers["melati"], age_days=8))["d7"]


def test_manifest_opens_the_task_list_with_png_icons(client, db):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = response.json()
    assert data["start_url"] == reverse("followups:tasks") == "/kunjungan/tugas/"
    assert data["lang"] == "id"
    assert data["display"] == "standalone"
    assert "menyusui" in data["name"].lower()
    sizes = set()
    for icon in data["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        with open(path, "rb") as fh:
            image = Image.open(io.BytesIO(fh.read()))
        assert image.format == "PNG"
        assert f"{image.width}x{image.height}" == icon["sizes"]
        sizes.add(icon["sizes"])
    assert {"192x192", "512x512"} <= sizes


def test_service_worker_is_served_from_the_root_for_the_whole_site(client, db):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    assert b"X-Laktasi-Cache" in response.content


def test_sync_needs_a_login_and_a_field_role(client, world):
    assert client.get("/sinkron/").status_code == 302
    _login(client, world.users["viewer"])
    assert client.get("/sinkron/").status_code == 404
    client.logout()
    _login(client, world.users["coordinator"])
    assert client.get("/sinkron/").status_code == 404


def test_sync_lists_only_the_cadres_own_pages(client, world, visit):
    other = scheduled(new_baby(world.mothers["mawar"], age_days=8))["d7"]
    _login(client, world.users["kader"])
    response = client.get("/sinkron/")
    assert response.status_code == 200
    data = response.json()
    assert data["user"] == cache_id(world.users["kader"])
    urls = data["urls"]
    assert reverse("followups:record", args=[visit.pk]) in urls
    assert reverse("followups:baby", args=[visit.baby_id]) in urls
    assert reverse("mothers:detail", args=[world.mothers["melati"].pk]) in urls
    assert {"/kunjungan/tugas/", "/materi/tanya-jawab/", "/materi/panduan/"} <= set(urls)
    assert reverse("followups:record", args=[other.pk]) not in urls
    assert reverse("mothers:detail", args=[world.mothers["mawar"].pk]) not in urls
    # Every listed page opens for her (nothing the phone would be refused online).
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_bidan_sync_covers_every_posyandu_of_her_puskesmas(client, world, visit):
    other = scheduled(new_baby(world.mothers["mawar"], age_days=8))["d7"]
    outside = scheduled(new_baby(world.mothers["kenanga"], age_days=8))["d7"]
    _login(client, world.users["bidan"])
    urls = client.get("/sinkron/").json()["urls"]
    assert reverse("followups:record", args=[visit.pk]) in urls
    assert reverse("followups:record", args=[other.pk]) in urls
    assert reverse("followups:record", args=[outside.pk]) not in urls


def test_sync_answers_304_until_her_data_changes(client, world, visit):
    _login(client, world.users["kader"])
    first = client.get("/sinkron/")
    etag = first["ETag"]
    again = client.get("/sinkron/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    record(visit, user=world.users["kader"], on=visit.baby.birth_date)
    changed = client.get("/sinkron/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert reverse("followups:record", args=[visit.pk]) not in changed.json()["urls"]


def test_pages_carry_the_users_cache_id_only_for_field_workers(client, world):
    _login(client, world.users["kader"])
    page = client.get("/kunjungan/tugas/")
    kader_id = cache_id(world.users["kader"])
    assert page["X-Laktasi-Cache"] == kader_id
    html = page.content.decode()
    assert f'data-offline-user="{kader_id}"' in html
    assert 'rel="manifest" href="/manifest.webmanifest"' in html
    assert "data-offline-strings=" in html
    assert "menunggu dikirim" in html
    client.logout()
    _login(client, world.users["viewer"])
    page = client.get(reverse("dashboards:index"))
    assert "X-Laktasi-Cache" not in page
    assert 'data-offline-user=""' in page.content.decode()


def test_cache_ids_differ_per_user_and_hold_no_personal_data(world):
    ids = {cache_id(u) for u in world.users.values()}
    assert len(ids) == len(world.users)
    for user in world.users.values():
        assert user.username not in cache_id(user)
        assert len(cache_id(user)) == 16


def test_replayed_visit_is_recorded_exactly_once(client, world, visit):
    _login(client, world.users["kader"])
    url = reverse("followups:record", args=[visit.pk])
    data = visit_post()
    first = client.post(url, data, **OFFLINE)
    assert first.status_code == 201
    assert first.json()["outcome"] == "created"
    assert first.json()["url"] == reverse("followups:baby", args=[visit.baby_id])
    for _ in range(2):
        again = client.post(url, data, **OFFLINE)
        assert again.status_code == 200
        assert again.json()["outcome"] == "duplicate"
    visit.refresh_from_db()
    assert visit.done_on is not None
    assert visit.recorded_by == world.users["kader"]
    assert Response.objects.filter(instrument_id="feeding_recall_24h", visit=visit).count() == 1


def test_visit_recorded_meanwhile_by_someone_else_is_a_conflict(client, world, visit):
    record(visit, user=world.users["kader_mawar"], on=visit.due_date)
    _login(client, world.users["kader"])
    reply = client.post(reverse("followups:record", args=[visit.pk]), visit_post(), **OFFLINE)
    assert reply.status_code == 409
    body = reply.json()
    assert (body["outcome"], body["reason"]) == ("conflict", "already_recorded")
    assert body["url"] == reverse("followups:baby", args=[visit.baby_id])
    assert body["message"]
    visit.refresh_from_db()
    assert visit.recorded_by == world.users["kader_mawar"]


def test_restricted_mother_is_a_conflict_without_her_data(client, world, visit):
    Mother.objects.filter(pk=world.mothers["melati"].pk).update(restricted=True)
    _login(client, world.users["kader"])
    reply = client.post(reverse("followups:record", args=[visit.pk]), visit_post(), **OFFLINE)
    assert reply.status_code == 409
    assert reply.json()["reason"] == "unavailable"
    assert "Siti" not in reply.content.decode()
    visit.refresh_from_db()
    assert visit.done_on is None


def test_entry_of_an_older_form_version_is_a_conflict(client, world, visit):
    _login(client, world.users["kader"])
    data = visit_post(version="1")
    reply = client.post(reverse("followups:record", args=[visit.pk]), data, **OFFLINE)
    assert reply.status_code == 409
    assert reply.json()["reason"] == "form_changed"
    visit.refresh_from_db()
    assert visit.done_on is None


def test_invalid_entry_stays_queued_with_the_errors(client, world, visit):
    _login(client, world.users["kader"])
    data = visit_post()
    del data["mode"]
    reply = client.post(reverse("followups:record", args=[visit.pk]), data, **OFFLINE)
    assert reply.status_code == 422
    assert "mode" in reply.json()["errors"]
    missing_key = visit_post()
    missing_key["submission_uuid"] = ""
    reply = client.post(reverse("followups:record", args=[visit.pk]), missing_key, **OFFLINE)
    assert reply.status_code == 422
    visit.refresh_from_db()
    assert visit.done_on is None


def test_future_date_is_refused_as_a_conflict(client, world, visit):
    _login(client, world.users["kader"])
    data = visit_post()
    data["done_on"] = "2100-01-01"
    reply = client.post(reverse("followups:record", args=[visit.pk]), data, **OFFLINE)
    assert reply.status_code == 409
    assert reply.json()["reason"] == "refused"


def test_web_form_and_api_share_the_idempotency_key(client, world, visit):
    """A visit saved by the page and replayed from the queue (same key) is saved once."""
    _login(client, world.users["kader"])
    url = reverse("followups:record", args=[visit.pk])
    key = uuid.uuid4()
    assert client.post(url, visit_post(key=key)).status_code == 302
    reply = client.post(url, visit_post(key=key), **OFFLINE)
    assert reply.json()["outcome"] == "duplicate"
    assert Visit.objects.filter(pk=visit.pk, done_on__isnull=False).count() == 1


def test_restricted_mothers_pages_leave_the_sync_list(client, world, visit):
    _login(client, world.users["kader"])
    before = client.get("/sinkron/")
    assert reverse("followups:record", args=[visit.pk]) in before.json()["urls"]
    Mother.objects.filter(pk=world.mothers["melati"].pk).update(restricted=True)
    after = client.get("/sinkron/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    urls = after.json()["urls"]
    assert reverse("followups:record", args=[visit.pk]) not in urls
    assert reverse("mothers:detail", args=[world.mothers["melati"].pk]) not in urls
