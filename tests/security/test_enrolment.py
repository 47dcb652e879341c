"""Issue 16 C1: a password alone never sets up or replaces a second factor.

Devices are enrolled once by the user (roles that may), from an administrator's invitation
(administrators, coordinators), or replaced from a session verified by the current device with
the password typed again. Every change is in the security audit log.
"""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from laktasi.accounts.invitations import invitation_issue
from laktasi.accounts.models import Invitation, Role, SecurityAction, SecurityEvent, User
from laktasi.accounts.services import totp_device_provision
from tests.conftest import PASSWORD

NEW_PASSWORD = "kata-sandi-yang-panjang-42"


@pytest.fixture
def two_factor(settings):
    settings.TWO_FACTOR_REQUIRED = True


def _code_for_key(key_hex: str, offset: int = 0) -> str:
    totp = TOTP(bytes.fromhex(key_hex))
    totp.time = totp.time + offset * totp.step
    return f"{totp.token():06d}"


def _code(device: TOTPDevice) -> str:
    return _code_for_key(device.key)


def _login(client, username, password=PASSWORD):
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302
    return response


def _verified_admin(client, world):
    device = totp_device_provision(user=world.users["admin"], key_hex="41" * 20)
    _login(client, "admin")
    assert client.post(reverse("accounts:otp_verify"), {"token": _code(device)}).status_code == 302
    return device


def _actions(user=None) -> list[str]:
    rows = SecurityEvent.objects.order_by("pk")
    if user is not None:
        rows = rows.filter(user=user)
    return list(rows.values_list("action", flat=True))


def test_c1_password_alone_cannot_replace_confirmed_device(client, world, two_factor):
    victim_device = totp_device_provision(user=world.users["admin"], key_hex="33" * 20)
    _login(client, "admin")  # the attacker knows the password only
    page = client.get(reverse("accounts:otp_setup"))
    attacker = TOTPDevice.objects.filter(user=world.users["admin"], confirmed=False).first()
    code = _code(attacker) if attacker is not None else "123456"
    client.post(reverse("accounts:otp_setup"), {"token": code, "next": "/ibu/"})
    confirmed = list(TOTPDevice.objects.filter(user=world.users["admin"], confirmed=True))
    assert confirmed == [victim_device]
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("accounts:otp_verify"))
    assert client.get("/ibu/").status_code == 302
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("role", ["admin", "coordinator"])
def test_c1_admin_and_coordinator_first_device_only_from_an_invitation(
    client, world, two_factor, role
):
    _login(client, world.users[role].username)
    page = client.get(reverse("accounts:otp_setup"))
    assert page.status_code == 403
    assert b"undangan" in page.content.lower() or b"invitation" in page.content.lower()
    assert not TOTPDevice.objects.filter(user=world.users[role]).exists()
    posted = client.post(reverse("accounts:otp_setup"), {"token": "123456"})
    assert posted.status_code == 403
    assert client.get(reverse("home")).status_code == 302


def test_c1_kader_may_enrol_a_first_device_and_it_is_logged(client, world, two_factor):
    kader = world.users["kader"]
    _login(client, "kader")
    assert client.get(reverse("accounts:otp_setup")).status_code == 200
    device = TOTPDevice.objects.get(user=kader, confirmed=False)
    done = client.post(reverse("accounts:otp_setup"), {"token": _code(device), "next": "/"})
    assert done.status_code == 302
    assert _actions(kader) == [SecurityAction.DEVICE_ENROLLED]


def test_c1_replacing_a_device_needs_the_verified_session_and_the_password(
    client, world, two_factor
):
    old = _verified_admin(client, world)
    page = client.get(reverse("accounts:otp_setup"))
    assert page.status_code == 200
    assert b'name="password"' in page.content
    new = TOTPDevice.objects.get(user=world.users["admin"], confirmed=False)
    wrong = client.post(
        reverse("accounts:otp_setup"), {"password": "not-the-password", "token": _code(new)}
    )
    assert wrong.status_code == 200
    assert TOTPDevice.objects.get(user=world.users["admin"], confirmed=True) == old
    new.refresh_from_db()
    new.throttle_reset()
    ok = client.post(reverse("accounts:otp_setup"), {"password": PASSWORD, "token": _code(new)})
    assert ok.status_code == 302
    assert list(TOTPDevice.objects.filter(user=world.users["admin"])) == [new]
    assert SecurityAction.DEVICE_REPLACED in _actions(world.users["admin"])


def test_c1_invitation_enrols_a_coordinator_with_password_and_device(client, world, two_factor):
    _verified_admin(client, world)
    issued = client.post(
        reverse("accounts:invitation_issue"), {"role": Role.COORDINATOR, "facility": ""}
    )
    assert issued.status_code == 200
    assert "no-store" in issued["Cache-Control"]
    link = re.search(rb"https?://testserver(/akun/undangan/terima/[^<\"]+)", issued.content)
    assert link is not None
    path = link.group(1).decode()
    invitation = Invitation.objects.get()
    assert path.rsplit("/", 2)[-2] not in invitation.token_hash  # only the hash is stored
    client.logout()
    page = client.get(path)
    assert page.status_code == 200
    assert b"<svg" in page.content
    key = client.session["laktasi_invite_totp"][str(invitation.pk)]
    form = {"username": "koordinator-baru", "first_name": "Ani", "last_name": "",
            "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}  # fmt: skip
    refused = client.post(path, {**form, "totp_code": "000000"})
    assert refused.status_code == 200
    assert not User.objects.filter(username="koordinator-baru").exists()
    done = client.post(path, {**form, "totp_code": _code_for_key(key)})
    assert done.status_code == 302
    user = User.objects.get(username="koordinator-baru")
    assert user.role == Role.COORDINATOR
    assert user.check_password(NEW_PASSWORD)
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get(reverse("mothers:list")).status_code == 200  # verified by the new device
    assert client.get(path).status_code == 410  # one use only
    client.logout()
    _login(client, "koordinator-baru", NEW_PASSWORD)
    replay = client.post(reverse("accounts:otp_verify"), {"token": _code_for_key(key)})
    assert replay.status_code == 200  # the enrolment code cannot be used again
    assert _actions() == [
        SecurityAction.DEVICE_ENROLLED,  # the admin's own device (fixture)
        SecurityAction.INVITATION_ISSUED,
        SecurityAction.DEVICE_ENROLLED,
        SecurityAction.INVITATION_ACCEPTED,
    ]


def test_c1_invitation_joins_the_facility_and_refuses_a_short_password(client, world):
    invitation, raw = invitation_issue(
        by=world.users["admin"], role=Role.CADRE, facility=world.mawar
    )
    path = reverse("accounts:invite", args=[raw])
    page = client.get(path)
    assert b"totp_code" not in page.content  # kader need no device
    short = {"username": "kader-baru", "password1": "pendek-11ch", "password2": "pendek-11ch"}
    assert client.post(path, short).status_code == 200
    assert not User.objects.filter(username="kader-baru").exists()
    ok = {**short, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert client.post(path, ok).status_code == 302
    user = User.objects.get(username="kader-baru")
    assert list(user.facilities.all()) == [world.mawar]
    invitation.refresh_from_db()
    assert invitation.accepted_by == user


def test_c1_expired_or_revoked_invitations_are_refused(client, world):
    invitation, raw = invitation_issue(by=world.users["admin"], role=Role.CADRE)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    page = client.get(reverse("accounts:invite", args=[raw]))
    assert page.status_code == 410
    assert client.get(reverse("accounts:invite", args=["x" * 43])).status_code == 410


@pytest.mark.parametrize("role", ["coordinator", "bidan", "kader", "viewer"])
def test_c1_only_administrators_issue_invitations(client, world, role):
    client.force_login(world.users[role])
    assert client.get(reverse("accounts:invitation_issue")).status_code == 404
    response = client.post(reverse("accounts:invitation_issue"), {"role": Role.ADMIN})
    assert response.status_code == 404
    assert not Invitation.objects.exists()


def test_c1_admin_reset_removes_the_device_and_the_link_sets_new_ones(client, world, two_factor):
    coordinator = world.users["coordinator"]
    totp_device_provision(user=coordinator, key_hex="34" * 20)
    _verified_admin(client, world)
    client.post(
        reverse("accounts:invitation_issue"),
        {"role": Role.CADRE, "user": coordinator.pk},
    )
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    event = SecurityEvent.objects.get(action=SecurityAction.DEVICE_RESET)
    assert (event.user, event.actor) == (coordinator, world.users["admin"])
    invitation = Invitation.objects.get(user=coordinator)
    assert invitation.role == Role.COORDINATOR  # the user's own role, not the form's


def test_c1_cli_invite_prints_a_link_for_the_first_administrator(world):
    out, err = StringIO(), StringIO()
    call_command("invite", "--role", "admin", stdout=out, stderr=err)
    assert "/akun/undangan/terima/" in out.getvalue()
    event = SecurityEvent.objects.get(action=SecurityAction.INVITATION_ISSUED)
    assert event.actor is None


def test_low_user_with_a_device_is_always_asked_for_the_code(client, world, two_factor):
    device = totp_device_provision(user=world.users["kader"], key_hex="35" * 20)
    _login(client, "kader")
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    client.post(reverse("accounts:otp_verify"), {"token": _code(device)})
    assert client.get(reverse("home")).status_code == 200


def test_low_minimum_password_length_is_12(world):
    with pytest.raises(ValidationError):
        validate_password("qzv-8xk-plm", world.users["kader"])  # 11 characters
    validate_password("qzv-8xk-plm-", world.users["kader"])


def test_low_bidan_must_use_two_factors_in_production():
    import subprocess
    import sys

    code = (
        "import django;django.setup();from django.conf import settings;"
        "print(sorted(settings.TWO_FACTOR_ROLES))"
    )
    env = {
        "LAKTASI_MODE": "production",
        "LAKTASI_SECRET_KEY": "x" * 60,
        "LAKTASI_FIELD_KEYS": "k" * 40,
        "LAKTASI_NIK_HASH_KEY": "h" * 40,
        "LAKTASI_ALLOWED_HOSTS": "laktasi.example.org",
        "DJANGO_SETTINGS_MODULE": "laktasi.settings",
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "['admin', 'bidan', 'coordinator']"
