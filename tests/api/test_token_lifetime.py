"""Issue 16 (low): API tokens expire, and a new password or role ends them."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from laktasi.api.models import ApiToken
from laktasi.api.services import token_create
from tests.api.conftest import ApiClient

PROGRAMS = "/api/programs"


def test_low_api_token_expires_after_the_configured_days(world, settings):
    settings.API_TOKEN_DAYS = 30
    token, raw = token_create(user=world.users["bidan"], name="sync")
    assert token.expires_at - token.created_at > timedelta(days=29)
    assert token.expires_at - token.created_at <= timedelta(days=30, seconds=5)
    assert ApiClient(raw).get(PROGRAMS).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert ApiClient(raw).get(PROGRAMS).status_code == 401


def test_low_api_token_revoked_on_password_change(world):
    user = world.users["bidan"]
    _token, raw = token_create(user=user, name="sync")
    user.set_password("kata-sandi-baru-yang-panjang")
    user.save()
    assert ApiClient(raw).get(PROGRAMS).status_code == 401
    _new, fresh = token_create(user=user, name="sync 2")
    assert ApiClient(fresh).get(PROGRAMS).status_code == 200


def test_low_api_token_revoked_on_role_change(world):
    user = world.users["kader"]
    _token, raw = token_create(user=user, name="sync")
    user.role = "bidan"
    user.save(update_fields=["role"])
    assert ApiClient(raw).get(PROGRAMS).status_code == 401


def test_low_api_token_survives_an_unrelated_save(world):
    user = world.users["kader"]
    _token, raw = token_create(user=user, name="sync")
    user.first_name = "Sari"
    user.save()
    assert ApiClient(raw).get(PROGRAMS).status_code == 200
