"""The demo's SATUSEHAT data and what `laktasi satusehat sync` says on a fresh demo."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from laktasi.demo.loader import demo_load
from laktasi.followups.models import Visit
from laktasi.programs.models import Session
from laktasi.satusehat.models import FacilityLink, HealthWorkerIdentity
from tests.conftest import module_data_fixture

_demo_of_the_module = module_data_fixture(demo_load)


@pytest.fixture
def demo(_demo_of_the_module, db):
    pass


def test_demo_has_midwife_nik_responsible_midwife_and_jenu_ids_without_credentials(demo):
    identity = HealthWorkerIdentity.objects.get(user__username="demo-bidan")
    assert len(identity.nik) == 16
    assert identity.nik_masked.endswith(identity.nik[-4:])
    assert identity.nik_masked.startswith("•" * 12)
    assert Session.objects.get().responsible.username == "demo-bidan"
    assert Visit.objects.filter(recorded_by__username="demo-bidan").exclude(done_on=None).exists()
    link = FacilityLink.objects.get(facility__name="Puskesmas Jenu")
    assert link.organization_id
    assert link.location_id
    assert not link.has_credentials
    demo_load()  # idempotent
    assert FacilityLink.objects.count() == 1


def test_sync_on_a_fresh_demo_says_the_facility_is_not_configured_and_how(demo):
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("satusehat", "sync", "--lang", "en", stdout=out, stderr=err)
    text = str(raised.value)
    assert "Puskesmas Jenu is not configured for SATUSEHAT" in text
    assert 'laktasi satusehat configure "Puskesmas Jenu" --org-id' in text
    assert "--client-secret-file" in text


def test_configure_by_exact_name_stores_the_secret_and_never_prints_it(demo, tmp_path):
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text("very-secret-demo-value\n")
    out = StringIO()
    call_command(
        "satusehat",
        "configure",
        "Puskesmas Jenu",
        "--org-id",
        "100001",
        "--location-id",
        "loc-1",
        "--client-id",
        "client-1",
        "--client-secret-file",
        str(secret_file),
        "--environment",
        "production",
        "--lang",
        "en",
        stdout=out,
    )
    assert "very-secret-demo-value" not in out.getvalue()
    assert "the secret is not shown again" in out.getvalue()
    link = FacilityLink.objects.get(facility__name="Puskesmas Jenu")
    assert link.client_secret == "very-secret-demo-value"
    assert link.base_url == "https://api-satusehat.kemkes.go.id"


def test_a_posyandu_cannot_be_configured(demo):
    with pytest.raises(CommandError, match="puskesmas"):
        call_command(
            "satusehat",
            "configure",
            "Posyandu Melati",
            "--org-id",
            "1",
            "--location-id",
            "2",
            "--lang",
            "en",
            stdout=StringIO(),
        )
