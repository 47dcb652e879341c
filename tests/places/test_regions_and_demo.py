"""Loading the whole country, idempotently, and the demo."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from laktasi.accounts.models import User
from laktasi.demo.loader import DEMO_PASSWORD, demo_load
from laktasi.mothers.models import Mother
from laktasi.mothers.selectors import mother_list
from laktasi.places.models import Facility, Region, RegionLevel
from laktasi.places.services import RegionFileError, regions_load
from laktasi.programs.models import Attendance
from tests.conftest import module_data_fixture, regions_and_demo


@pytest.mark.django_db
def test_all_regions_load_once_and_only_once():
    first = regions_load()
    assert first.read == first.created == 91_599
    counts = {level: Region.objects.filter(level=level).count() for level in RegionLevel.values}
    assert counts == {1: 38, 2: 514, 3: 7_285, 4: 83_762}
    second = regions_load()
    assert (second.created, second.updated, second.unchanged) == (0, 0, 91_599)
    tasikharjo = Region.objects.get(code="35.23.12.2005")
    assert tasikharjo.name == "Tasikharjo"
    assert tasikharjo.parent.parent.name == "Kabupaten Tuban"


@pytest.mark.django_db
def test_malformed_region_file_writes_nothing(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("code,name\n35,Jawa Timur\n35.AB,Salah\n")
    with pytest.raises(RegionFileError, match="35.AB"):
        regions_load(path=path)
    assert Region.objects.count() == 0


@pytest.mark.django_db
def test_region_with_missing_parent_is_refused(tmp_path):
    path = tmp_path / "orphan.csv"
    path.write_text("code,name\n35,Jawa Timur\n35.23.12,Jenu\n")
    with pytest.raises(RegionFileError, match="no parent"):
        regions_load(path=path)


_demo_of_the_module = module_data_fixture(regions_and_demo)


@pytest.fixture
def demo(_demo_of_the_module, db):
    pass


def test_demo_is_idempotent_and_scoped(demo):
    counts = (Mother.objects.count(), Attendance.objects.count(), Facility.objects.count())
    demo_load()
    assert (Mother.objects.count(), Attendance.objects.count(), Facility.objects.count()) == counts
    assert counts[0] == 17
    assert counts[1] == 15
    kader = User.objects.get(username="demo-kader")
    assert kader.check_password(DEMO_PASSWORD)
    assert mother_list(user=kader).count() == 15
    assert mother_list(user=User.objects.get(username="demo-kader-mawar")).count() == 2
    assert mother_list(user=User.objects.get(username="demo-bidan")).count() == 17
    assert mother_list(user=User.objects.get(username="demo-viewer")).count() == 0
    for mother in Mother.objects.all():
        assert mother.babies.count() == 1
        assert mother.companions.count() == 1
        assert mother.consents.count() == 1


def test_demo_kader_gets_404_on_other_posyandu_mother(client, demo):
    assert client.login(username="demo-kader", password=DEMO_PASSWORD)
    other = Mother.objects.get(facility__name="Posyandu Mawar", full_name="Sulastri Ningsih")
    own = Mother.objects.filter(facility__name="Posyandu Melati").first()
    assert client.get(f"/ibu/{own.pk}/").status_code == 200
    assert client.get(f"/ibu/{other.pk}/").status_code == 404


def test_demo_users_cannot_log_in_in_production(client, demo):
    with override_settings(DEMO_LOGINS_ALLOWED=False):
        assert not client.login(username="demo-admin", password=DEMO_PASSWORD)
    assert client.login(username="demo-admin", password=DEMO_PASSWORD)


@pytest.mark.django_db
def test_login_page_is_indonesian(client):
    response = client.get("/masuk/")
    assert response.status_code == 200
    assert "Masuk" in response.content.decode()
    assert 'lang="id"' in response.content.decode()


def test_demo_command_prints_logins(demo):
    out = StringIO()
    call_command("demo", stdout=out)
    assert "demo-kader" in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()


def _run_laktasi(*args, **env):
    return subprocess.run(
        [sys.executable, "-m", "laktasi", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )


def test_production_refuses_to_start_without_secret():
    result = _run_laktasi("check", LAKTASI_MODE="production", LAKTASI_SECRET_KEY="")
    assert result.returncode != 0
    assert "LAKTASI_SECRET_KEY" in result.stderr


def test_cli_lists_laktasi_commands():
    result = _run_laktasi("help")
    assert result.returncode == 0
    for command in ["serve", "demo", "load_regions"]:
        assert command in result.stdout
