"""First-day setup pages: facilities by village, staff moves and deactivation (logged),
invitations shared by WhatsApp through a POST redirect, and the administrator's checklist."""

from __future__ import annotations

import os
import time
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from laktasi.accounts.invitations import invitation_issue
from laktasi.accounts.models import SecurityAction, SecurityEvent
from laktasi.places.models import Facility
from laktasi.setup.checklist import setup_checklist
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SETUP_URLS = ["setup:index", "setup:facility_new", "setup:staff"]


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


@pytest.mark.parametrize("role", ["coordinator", "bidan", "kader", "viewer"])
def test_only_administrators_open_the_setup_pages(client, world, role):
    login(client, world.users[role])
    for name in SETUP_URLS:
        assert client.get(reverse(name)).status_code == 404, name


def test_administrator_creates_a_puskesmas_and_a_posyandu_by_village_code(client, world):
    login(client, world.users["admin"])
    response = client.post(
        reverse("setup:facility_new"),
        {"kind": "puskesmas", "name": "Puskesmas Baru", "village": "35.23.12.2016 Jenu"},
    )
    assert response.status_code == 302
    puskesmas = Facility.objects.get(name="Puskesmas Baru")
    assert puskesmas.village_id == "35.23.12.2016"
    response = client.post(
        reverse("setup:facility_new"),
        {
            "kind": "posyandu",
            "name": "Posyandu Anggrek",
            "village": "35.23.12.2005",
            "puskesmas": puskesmas.pk,
            "another": "1",
        },
    )
    assert response["Location"] == reverse("setup:facility_new")
    assert Facility.objects.get(name="Posyandu Anggrek").puskesmas == puskesmas
    page = client.get(reverse("setup:index")).content.decode()
    assert "Posyandu Anggrek" in page


def test_a_posyandu_without_puskesmas_or_a_district_code_is_refused(client, world):
    login(client, world.users["admin"])
    before = Facility.objects.count()
    response = client.post(
        reverse("setup:facility_new"),
        {"kind": "posyandu", "name": "Posyandu Yatim", "village": "35.23.12"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "puskesmas" in errors
    assert "village" in errors
    assert Facility.objects.count() == before


def test_deactivating_a_user_ends_her_login_and_is_logged(client, world):
    admin, kader = world.users["admin"], world.users["kader"]
    login(client, admin)
    response = client.post(reverse("setup:staff_deactivate", args=[kader.pk]))
    assert response.status_code == 302
    kader.refresh_from_db()
    assert not kader.is_active
    event = SecurityEvent.objects.get(action=SecurityAction.USER_DEACTIVATED)
    assert (event.user, event.actor) == (kader, admin)
    other = client.__class__()
    assert not other.login(username="kader", password=PASSWORD)


def test_an_administrator_cannot_deactivate_himself(client, world):
    admin = world.users["admin"]
    login(client, admin)
    client.post(reverse("setup:staff_deactivate", args=[admin.pk]))
    admin.refresh_from_db()
    assert admin.is_active
    assert not SecurityEvent.objects.filter(action=SecurityAction.USER_DEACTIVATED).exists()


def test_deactivate_is_post_only(client, world):
    login(client, world.users["admin"])
    url = reverse("setup:staff_deactivate", args=[world.users["kader"].pk])
    assert client.get(url).status_code == 405


def test_moving_a_kader_changes_her_posyandu_and_scope_and_is_logged(client, world):
    kader = world.users["kader"]
    login(client, world.users["admin"])
    response = client.post(
        reverse("setup:staff_move", args=[kader.pk]), {"posyandu": world.mawar.pk}
    )
    assert response.status_code == 302
    assert list(kader.facilities.all()) == [world.mawar]
    event = SecurityEvent.objects.get(action=SecurityAction.STAFF_MOVED)
    assert event.detail == f"from={world.melati.pk} to={world.mawar.pk}"
    client.logout()
    login(client, kader)
    assert (
        client.get(reverse("mothers:detail", args=[world.mothers["melati"].pk])).status_code == 404
    )
    assert (
        client.get(reverse("mothers:detail", args=[world.mothers["mawar"].pk])).status_code == 200
    )


def test_only_a_kader_is_moved_between_posyandu(client, world):
    bidan = world.users["bidan"]
    login(client, world.users["admin"])
    response = client.post(
        reverse("setup:staff_move", args=[bidan.pk]), {"posyandu": world.mawar.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert world.mawar not in bidan.facilities.all()


def test_whatsapp_share_redirects_with_the_link_and_logs_without_the_number(client, world):
    admin = world.users["admin"]
    invitation, raw = invitation_issue(by=admin, role="kader", facility=world.melati)
    login(client, admin)
    url = reverse("setup:invitation_whatsapp")
    assert raw not in url
    response = client.post(url, {"token": raw, "phone": "0812-3456-7890"})
    assert response.status_code == 302
    target = urlparse(response["Location"])
    assert (target.netloc, target.path) == ("wa.me", "/6281234567890")
    text = parse_qs(target.query)["text"][0]
    assert reverse("accounts:invite", args=[raw]) in text
    event = SecurityEvent.objects.get(action=SecurityAction.INVITATION_SHARED)
    assert event.detail == f"invitation={invitation.pk} channel=whatsapp"
    assert "6281234567890" not in event.detail
    assert raw not in event.detail
    assert client.get(url).status_code == 405


def test_whatsapp_share_of_a_used_or_unknown_link_is_refused(client, world):
    login(client, world.users["admin"])
    response = client.post(reverse("setup:invitation_whatsapp"), {"token": "not-a-token"})
    assert response["Location"] == reverse("accounts:invitation_issue")
    assert not SecurityEvent.objects.filter(action=SecurityAction.INVITATION_SHARED).exists()


def test_whatsapp_share_is_for_administrators_only(client, world):
    _inv, raw = invitation_issue(by=world.users["admin"], role="kader")
    login(client, world.users["bidan"])
    assert client.post(reverse("setup:invitation_whatsapp"), {"token": raw}).status_code == 404


def test_issued_invitation_page_offers_whatsapp_and_a_printable_qr(client, world):
    login(client, world.users["admin"])
    response = client.post(reverse("accounts:invitation_issue"), {"role": "kader"})
    page = response.content.decode()
    assert reverse("setup:invitation_whatsapp") in page
    assert 'name="token"' in page
    assert "data-print" in page
    assert "<svg" in page


def test_checklist_follows_the_data(world, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    steps = {s.key: s.done for s in setup_checklist().steps}
    # The world has posyandu, active staff and a (non-demo) program without a session.
    assert steps == {
        "facility": True,
        "staff": True,
        "program": True,
        "session": False,
        "backup": False,
    }
    backups = tmp_path / "backups"
    backups.mkdir()
    old = backups / "laktasi-sqlite-20260101-010101.gz.enc"
    old.write_bytes(b"x")
    stale = time.time() - 3 * 24 * 3600
    os.utime(old, (stale, stale))
    assert not {s.key: s.done for s in setup_checklist().steps}["backup"]
    (backups / "laktasi-sqlite-20261203-010101.gz.enc").write_bytes(b"x")
    assert {s.key: s.done for s in setup_checklist().steps}["backup"]


def test_empty_installation_checklist_has_nothing_done(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    assert setup_checklist().done_count == 0


def test_administrator_home_shows_the_checklist_until_setup_is_done(client, world, settings,
                                                                    tmp_path):  # fmt: skip
    settings.VAR_DIR = tmp_path
    login(client, world.users["admin"])
    page = client.get("/").content.decode()
    assert 'id="setup-checklist"' in page
    assert 'data-step="session"' in page
    (tmp_path / "backups").mkdir()
    (tmp_path / "backups" / "laktasi-sqlite-1.gz").write_bytes(b"x")
    world.program.sessions.create(
        starts_at="2025-01-25T09:00:00+07:00", venue="Balai desa", facilitator="Bidan"
    )
    assert 'id="setup-checklist"' not in client.get("/").content.decode()
