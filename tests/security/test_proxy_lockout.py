"""Issue 16 M6: the lockout keys on the real client address (from a trusted proxy only) and
the username, so an attacker cannot lock a user out from another address."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from laktasi.accounts.client_ip import client_ip
from laktasi.core.management.commands.serve import proxy_options
from tests.conftest import PASSWORD

PROXY = "10.0.0.1"
ATTACKER = "203.0.113.9"
VICTIM = "198.51.100.7"


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY]


def _attempt(client, password, *, peer, forwarded=None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("login"), {"username": "kader", "password": password}, **extra)


def test_m6_attacker_behind_the_proxy_cannot_lock_out_the_user_elsewhere(
    client, world, behind_proxy
):
    for _ in range(5):
        _attempt(client, "wrong", peer=PROXY, forwarded=ATTACKER)
    assert _attempt(client, PASSWORD, peer=PROXY, forwarded=ATTACKER).status_code == 429
    # The attacker may even prepend the victim's address: the proxy appends the real one.
    assert (
        _attempt(client, PASSWORD, peer=PROXY, forwarded=f"{VICTIM}, {ATTACKER}").status_code == 429
    )
    victim = client.__class__()
    assert _attempt(victim, PASSWORD, peer=PROXY, forwarded=VICTIM).status_code == 302


def test_m6_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(client, world, behind_proxy):
    for _ in range(5):
        _attempt(client, "wrong", peer=ATTACKER, forwarded=VICTIM)
    # Locked: the attacker's own address, whatever header it sends.
    assert _attempt(client, PASSWORD, peer=ATTACKER, forwarded="192.0.2.50").status_code == 429
    victim = client.__class__()
    assert _attempt(victim, PASSWORD, peer=PROXY, forwarded=VICTIM).status_code == 302


def test_m6_client_address_rules(rf, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    cases = [
        ({"REMOTE_ADDR": ATTACKER, "HTTP_X_FORWARDED_FOR": VICTIM}, ATTACKER),
        ({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": VICTIM}, VICTIM),
        ({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"{VICTIM}, 10.0.0.2"}, VICTIM),
        ({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "junk"}, PROXY),
        ({"REMOTE_ADDR": PROXY}, PROXY),
    ]
    for meta, expected in cases:
        assert client_ip(rf.get("/", **meta)) == expected


def test_m6_waitress_trusts_the_configured_proxy():
    options = proxy_options([PROXY])
    assert options["trusted_proxy"] == PROXY
    assert options["trusted_proxy_count"] == 1
    assert "x-forwarded-for" in options["trusted_proxy_headers"]
    assert proxy_options([]) == {}


def test_low_lockout_warnings_never_log_the_username(client, world, caplog):
    with caplog.at_level(logging.WARNING, logger="axes"):
        for _ in range(5):
            _attempt(client, "wrong", peer="192.0.2.1")
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("axes")]
    assert any("Locking out" in m for m in messages)
    assert not any("kader" in m for m in messages)
