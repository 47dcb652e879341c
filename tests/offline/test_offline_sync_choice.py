"""What goes on a field worker's phone: her choice of posyandu (never wider than her scope),
pages that answer 304 while unchanged (and are fetched again once changed), and the session
day's forms on the sync list."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from laktasi.mothers.services import mother_update
from laktasi.offline.models import OfflineFacility
from laktasi.offline.selectors import offline_facility_ids, sync_manifest
from laktasi.offline.services import offline_facilities_set
from laktasi.programs.services import session_create
from tests.conftest import PASSWORD
from tests.followups.helpers import new_baby, scheduled


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


@pytest.fixture
def visits(world):
    """An open visit of a mother at each posyandu (Melati, Mawar) and one outside (Kenanga)."""
    return {
        name: scheduled(new_baby(world.mothers[name], age_days=8))["d7"]
        for name in ("melati", "mawar", "kenanga")
    }


def _record_url(visit):
    return reverse("followups:record", args=[visit.pk])


def _session_tomorrow(world):
    tomorrow = timezone.localdate() + timedelta(days=1)
    return session_create(
        program=world.program,
        title="Sesi",
        starts_at=timezone.make_aware(datetime.combine(tomorrow, time(9, 0))),
        venue="Posyandu",
        facilitator="Tim",
    )


# ---------------------------------------------------------------- choice of posyandu


def test_bidan_who_chose_one_posyandu_syncs_only_its_pages(client, world, visits):
    bidan = world.users["bidan"]
    offline_facilities_set(user=bidan, facility_ids=[world.mawar.pk])
    _login(client, bidan)
    data = client.get("/sinkron/").json()
    assert data["facilities"] == [world.mawar.pk]
    assert _record_url(visits["mawar"]) in data["urls"]
    assert _record_url(visits["melati"]) not in data["urls"]
    assert reverse("mothers:detail", args=[world.mothers["melati"].pk]) not in data["urls"]
    # Her task list and the common pages stay on the phone.
    assert "/kunjungan/tugas/" in data["urls"]


def test_no_choice_means_all_of_her_scope(client, world, visits):
    _login(client, world.users["bidan"])
    data = client.get("/sinkron/").json()
    assert data["facilities"] is None
    assert _record_url(visits["mawar"]) in data["urls"]
    assert _record_url(visits["melati"]) in data["urls"]
    assert _record_url(visits["kenanga"]) not in data["urls"]


def test_changing_the_choice_changes_the_sync_etag(client, world, visits):
    bidan = world.users["bidan"]
    _login(client, bidan)
    etag = client.get("/sinkron/")["ETag"]
    offline_facilities_set(user=bidan, facility_ids=[world.melati.pk])
    after = client.get("/sinkron/", HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200
    assert _record_url(visits["mawar"]) not in after.json()["urls"]


@pytest.mark.parametrize(
    ("role", "facility", "allowed"),
    [
        ("kader", "melati", True),
        ("kader", "mawar", False),  # another kader's posyandu
        ("bidan", "mawar", True),
        ("bidan", "puskesmas", True),
        ("bidan", "kenanga", False),  # another puskesmas's posyandu
        ("coordinator", "melati", False),  # no offline copy for coordinators
        ("viewer", "melati", False),
        ("admin", "melati", False),
    ],
)
def test_a_choice_outside_her_scope_is_refused(world, role, facility, allowed):
    user = world.users[role]
    target = getattr(world, facility)
    if allowed:
        assert offline_facilities_set(user=user, facility_ids=[target.pk]) == [target.pk]
        assert offline_facility_ids(user=user) == {target.pk}
    else:
        with pytest.raises(ValidationError):
            offline_facilities_set(user=user, facility_ids=[target.pk])
        assert not OfflineFacility.objects.filter(user=user).exists()


def test_a_refused_choice_keeps_the_previous_one(world):
    bidan = world.users["bidan"]
    offline_facilities_set(user=bidan, facility_ids=[world.mawar.pk])
    with pytest.raises(ValidationError):
        offline_facilities_set(user=bidan, facility_ids=[world.melati.pk, world.kenanga.pk])
    assert offline_facility_ids(user=bidan) == {world.mawar.pk}


def test_a_choice_that_left_her_scope_falls_back_to_all(world, visits):
    bidan = world.users["bidan"]
    offline_facilities_set(user=bidan, facility_ids=[world.mawar.pk])
    world.puskesmas.staff.remove(bidan)
    world.other_puskesmas.staff.add(bidan)  # she moved to the other puskesmas
    assert offline_facility_ids(user=bidan) is None
    urls = sync_manifest(user=bidan).urls
    assert _record_url(visits["kenanga"]) in urls
    assert _record_url(visits["mawar"]) not in urls


def test_facilities_page_saves_her_choice_and_asks_for_a_sync(client, world):
    _login(client, world.users["bidan"])
    page = client.get(reverse("offline:facilities"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Mawar" in html
    assert "Melati" in html
    assert "Kenanga" not in html
    saved = client.post(reverse("offline:facilities"), {"facilities": [world.mawar.pk]})
    assert saved.status_code == 302
    assert offline_facility_ids(user=world.users["bidan"]) == {world.mawar.pk}
    after = client.get(saved["Location"])
    assert "data-offline-resync" in after.content.decode()
    # Ticking none goes back to all of her scope.
    client.post(reverse("offline:facilities"), {})
    assert offline_facility_ids(user=world.users["bidan"]) is None


def test_facilities_page_refuses_another_puskesmas_posyandu(client, world):
    _login(client, world.users["bidan"])
    reply = client.post(reverse("offline:facilities"), {"facilities": [world.kenanga.pk]})
    assert reply.status_code == 200
    assert reply.context["form"].errors
    assert not OfflineFacility.objects.exists()


def test_facilities_page_is_for_field_workers_only(client, world):
    assert client.get(reverse("offline:facilities")).status_code == 302
    for role in ("viewer", "coordinator"):
        _login(client, world.users[role])
        assert client.get(reverse("offline:facilities")).status_code == 404
        client.logout()


# ---------------------------------------------------------------- incremental sync


SYNC = {"HTTP_X_LAKTASI_SYNC": "1"}  # the phone's sync (offline-sync.js cachePage)


def _etags(client, urls):
    tags = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        tags[url] = response["ETag"]
    return tags


def test_unchanged_pages_answer_304_and_an_edited_mothers_pages_are_fetched_again(
    client, world, visits
):
    _session_tomorrow(world)
    _login(client, world.users["bidan"])
    urls = client.get("/sinkron/").json()["urls"]
    tags = _etags(client, urls)
    for url in urls:
        again = client.get(url, HTTP_IF_NONE_MATCH=tags[url], **SYNC)
        assert again.status_code == 304, url
        assert again.content == b""
        assert again["ETag"] == tags[url]
        assert again["X-Laktasi-Cache"]

    mawar = world.mothers["mawar"]
    mother_update(mother=mawar, by=world.users["bidan"], full_name="Dewi Mawar Sari")
    changed = {
        u for u in urls if client.get(u, HTTP_IF_NONE_MATCH=tags[u], **SYNC).status_code == 200
    }
    assert reverse("mothers:detail", args=[mawar.pk]) in changed
    assert _record_url(visits["mawar"]) in changed
    assert reverse("followups:baby", args=[visits["mawar"].baby_id]) in changed
    # Her name is on the task list too; Siti Melati's own pages did not change.
    assert "/kunjungan/tugas/" in changed
    melati = world.mothers["melati"]
    assert reverse("mothers:detail", args=[melati.pk]) not in changed
    assert _record_url(visits["melati"]) not in changed
    assert "/materi/tanya-jawab/" not in changed


def test_a_browser_revalidating_its_own_cache_always_gets_the_whole_page(client, world):
    """Only the sync gets a 304: a browser's ordinary revalidation must receive a fresh CSRF
    token and fresh one-time form keys, never its stored copy's."""
    _login(client, world.users["kader"])
    for url in ("/kunjungan/tugas/", reverse("mothers:register")):
        first = client.get(url)
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 200, url
        assert again.content
        assert again["ETag"] == first["ETag"]
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"], **SYNC).status_code == 304


def test_page_etag_ignores_only_the_csrf_token():
    from laktasi.offline.middleware import page_etag

    one = (
        b'<body hx-headers=\'{"X-CSRFToken": "aaa"}\'><input name="csrfmiddlewaretoken" value="x1">'
    )
    two = (
        b'<body hx-headers=\'{"X-CSRFToken": "bbb"}\'><input name="csrfmiddlewaretoken" value="y2">'
    )
    assert page_etag(one) == page_etag(two)
    assert page_etag(one) != page_etag(one.replace(b"<body", b"<body class='x'"))
    keys = b'<input type="hidden" name="form_token" value="%s" id="id_form_token">'
    assert page_etag(keys % b"1") == page_etag(keys % b"2")


def test_sync_etag_changes_when_an_attendance_tick_changes(client, world):
    from laktasi.programs.models import Attendance

    session = _session_tomorrow(world)
    _login(client, world.users["kader"])
    etag = client.get("/sinkron/")["ETag"]
    Attendance.objects.create(session=session, mother=world.mothers["melati"])
    assert client.get("/sinkron/", HTTP_IF_NONE_MATCH=etag).status_code == 200


# ---------------------------------------------------------------- session day forms


def test_session_day_forms_of_enrolled_mothers_are_on_the_list(client, world):
    _session_tomorrow(world)
    mother, program = world.mothers["melati"], world.program
    _login(client, world.users["kader"])
    urls = client.get("/sinkron/").json()["urls"]
    for iid, tp in (
        ("knowledge_test", "pre"),
        ("knowledge_test", "post"),
        ("oxytocin_massage_checklist", "post"),
        ("marmet_checklist", "post"),
    ):
        form = reverse("instruments:fill", args=[mother.pk, iid, tp])
        assert f"{form}?program={program.pk}" in urls, (iid, tp)
    assert reverse("programs:consultation_add", args=[mother.pk]) in urls
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_a_programs_own_instrument_plan_decides_its_forms(world):
    world.program.instrument_plan = {
        "pre": ["knowledge_test", "family_support"],
        "post": ["marmet_checklist"],
        "followup": ["feeding_recall_24h"],
    }
    world.program.save()
    _session_tomorrow(world)
    urls = sync_manifest(user=world.users["kader"]).urls
    forms = {u.split("?")[0] for u in urls if u.startswith("/instrumen/")}
    pk = world.mothers["melati"].pk
    assert forms == {
        reverse("instruments:fill", args=[pk, "knowledge_test", "pre"]),
        reverse("instruments:fill", args=[pk, "marmet_checklist", "post"]),
    }


# ---------------------------------------------------------------- villages without signal


def test_registration_page_lists_the_villages_of_her_kecamatan(client, world):
    """Cached with the page, the list lets her pick a village by name offline; only public
    reference data (Kemendagri codes and names), the villages of her facilities' kecamatan."""
    _login(client, world.users["kader"])
    html = client.get(reverse("mothers:register")).content.decode()
    datalist = html.split('<datalist id="village-options">')[1].split("</datalist>")[0]
    assert '<option value="35.23.12.2005">Tasikharjo, Jenu, Kabupaten Tuban</option>' in datalist
    assert 'value="35.23.12.2016"' in datalist
    assert "35.23.11.2001" not in datalist  # Tegalrejo, another kecamatan
    assert "Siti" not in datalist
