"""Login throttling: 5 failures in 15 minutes lock the username out from that address."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.conftest import PASSWORD


def _attempt(client, password):
    return client.post(reverse("login"), {"username": "kader", "password": password})


def test_settings_match_the_policy():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME


def test_five_failures_lock_the_account_even_for_the_right_password(client, world):
    for _ in range(4):
        assert _attempt(client, "wrong").status_code == 200
    locked = _attempt(client, "wrong")
    assert locked.status_code == 429
    response = _attempt(client, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_message_is_in_indonesian(client, world):
    for _ in range(5):
        _attempt(client, "wrong")
    with translation.override("id"):
        page = _attempt(client, PASSWORD).content.decode()
    assert "Terlalu banyak" in page


def test_a_success_before_the_limit_resets_the_count(client, world):
    for _ in range(4):
        _attempt(client, "wrong")
    assert _attempt(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert _attempt(client, "wrong").status_code == 200


def test_lockout_expires_after_the_cool_off(client, world, settings):
    settings.AXES_COOLOFF_TIME = timedelta(seconds=0)
    for _ in range(5):
        _attempt(client, "wrong")
    assert _attempt(client, PASSWORD).status_code == 302
