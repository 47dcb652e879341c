"""TOTP two-factor authentication: required for administrators and coordinators."""

from __future__ import annotations

from io import StringIO

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from laktasi.accounts.services import totp_device_provision
from tests.conftest import PASSWORD


@pytest.fixture
def two_factor(settings):
    settings.TWO_FACTOR_REQUIRED = True


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def _login(client, username):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return response


@pytest.mark.parametrize("role", ["admin", "coordinator"])
def test_admin_and_coordinator_are_sent_to_setup_before_any_page(client, world, two_factor, role):
    _login(client, world.users[role].username)
    for url in (reverse("home"), reverse("mothers:list"), "/admin/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:otp_setup"))


@pytest.mark.parametrize("role", ["bidan", "kader", "viewer"])
def test_other_roles_need_no_second_factor(client, world, two_factor, role):
    _login(client, world.users[role].username)
    assert client.get(reverse("home")).status_code == 200


def test_setup_confirms_the_device_with_a_valid_code(client, world, two_factor):
    # A kader may enrol a first device herself (administrators: tests/security/test_enrolment.py).
    _login(client, "kader")
    page = client.get(reverse("accounts:otp_setup"))
    assert page.status_code == 200
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user=world.users["kader"])
    assert not device.confirmed
    bad = client.post(reverse("accounts:otp_setup"), {"token": "000000", "next": "/"})
    assert bad.status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # wrong codes are throttled
    device.throttle_reset()
    good = client.post(reverse("accounts:otp_setup"), {"token": _code(device), "next": "/ibu/"})
    assert good.status_code == 302
    assert good["Location"] == "/ibu/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home")).status_code == 200


def test_a_user_with_a_device_must_verify_at_each_login(client, world, two_factor):
    device = totp_device_provision(user=world.users["coordinator"], key_hex="31" * 20)
    _login(client, "koordinator")
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    assert client.post(reverse("accounts:otp_verify"), {"token": "123456"}).status_code == 200
    assert client.get(reverse("home")).status_code == 302
    device.refresh_from_db()
    device.throttle_reset()
    ok = client.post(reverse("accounts:otp_verify"), {"token": _code(device), "next": "/"})
    assert ok.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_verify_refuses_an_outside_next_url(client, world, two_factor):
    device = totp_device_provision(user=world.users["admin"], key_hex="32" * 20)
    _login(client, "admin")
    ok = client.post(
        reverse("accounts:otp_verify"), {"token": _code(device), "next": "https://evil.example/"}
    )
    assert ok["Location"] == "/"


def test_two_factor_cannot_be_switched_off_in_production():
    import subprocess
    import sys

    code = (
        "import django,os;django.setup();from django.conf import settings;"
        "print(settings.TWO_FACTOR_REQUIRED)"
    )
    env = {
        "LAKTASI_MODE": "production",
        "LAKTASI_SECRET_KEY": "x" * 60,
        "LAKTASI_FIELD_KEYS": "k" * 40,
        "LAKTASI_NIK_HASH_KEY": "h" * 40,
        "LAKTASI_ALLOWED_HOSTS": "laktasi.example.org",
        "LAKTASI_2FA_REQUIRED": "false",
        "DJANGO_SETTINGS_MODULE": "laktasi.settings",
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "True"


def test_demo_admin_gets_a_known_device_and_its_code_logs_in(client, world, two_factor):
    from django.core.management import call_command

    from laktasi.accounts.demo import demo_totp_code, demo_totp_provision

    admin = world.users["admin"]
    admin.is_demo = True
    admin.save()
    demo_totp_provision(user=admin)
    _login(client, "admin")
    assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:otp_verify"))
    out = StringIO()
    call_command("demo_code", "admin", stdout=out)
    assert out.getvalue().strip() == demo_totp_code(user=admin)
    client.post(reverse("accounts:otp_verify"), {"token": out.getvalue().strip()})
    assert client.get(reverse("home")).status_code == 200


def test_demo_codes_are_refused_for_real_users(world):
    from django.core.exceptions import PermissionDenied

    from laktasi.accounts.demo import demo_totp_provision

    with pytest.raises(PermissionDenied):
        demo_totp_provision(user=world.users["admin"])
