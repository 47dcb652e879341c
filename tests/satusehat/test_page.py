"""The administrators' SATUSEHAT page of a facility (Indonesian first)."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from laktasi.satusehat.models import FacilityLink, HealthWorkerIdentity
from tests.satusehat.conftest import SECRET


def test_page_shows_the_queue_in_indonesian_with_rejections(client, sending):
    sending.double.reject_identifier = f"laktasi-visit-{sending.visits['ani'].pk}"
    # synced from an English CLI; the page still speaks Indonesian (reasons are stored as msgids)
    call_command(
        "satusehat",
        "sync",
        "--facility",
        "Jenu",
        "--lang",
        "en",
        stdout=StringIO(),
        stderr=StringIO(),
    )
    client.force_login(sending.world.users["admin"])
    page = client.get(reverse("satusehat:facility", args=[sending.world.puskesmas.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Ditolak oleh SATUSEHAT" in html
    assert "refused by the test" in html
    assert "Menunggu nomor IHS" in html
    assert "ibu: NIK belum tercatat" in html
    assert "Ditahan (tidak dikirim)" in html
    assert "kontak kader tanpa tenaga kesehatan" in html
    assert 'data-key="sent">5<' in html
    assert 'data-key="held">3<' in html
    assert SECRET not in html
    assert "Dewi Mawar" not in html  # records are named by laktasi identifier, never by name


def test_only_administrators_open_the_page(client, sending):
    url = reverse("satusehat:facility", args=[sending.world.puskesmas.pk])
    for role in ("bidan", "coordinator", "kader"):
        client.force_login(sending.world.users[role])
        assert client.get(url).status_code == 404


def test_saving_without_a_secret_keeps_the_stored_one(client, sending):
    client.force_login(sending.world.users["admin"])
    url = reverse("satusehat:facility", args=[sending.world.puskesmas.pk])
    response = client.post(
        url,
        {
            "organization_id": "10000005",
            "location_id": "loc-2",
            "environment": "other",
            "base_url": sending.server.url,
            "client_id": "laktasi-client",
            "client_secret": "",
        },
    )
    assert response.status_code == 302
    link = FacilityLink.objects.get(pk=sending.link.pk)
    assert link.organization_id == "10000005"
    assert link.client_secret == SECRET


def test_health_worker_nik_is_saved_and_shown_masked(client, sending):
    client.force_login(sending.world.users["admin"])
    bidan = sending.world.users["bidan"]
    url = reverse("satusehat:nik", args=[sending.world.puskesmas.pk])
    client.post(url, {"user": bidan.pk, "nik": "3523.1241.0780.0010"})
    assert HealthWorkerIdentity.objects.get(user=bidan).nik == "3523124107800010"
    page = client.get(reverse("satusehat:facility", args=[sending.world.puskesmas.pk]))
    html = page.content.decode()
    assert "••••••••••••0010" in html
    assert "3523124107800010" not in html
    bad = client.post(url, {"user": bidan.pk, "nik": "123"}, follow=True)
    assert "16" in bad.content.decode()  # "NIK harus tepat 16 digit"
    assert HealthWorkerIdentity.objects.get(user=bidan).nik == "3523124107800010"
