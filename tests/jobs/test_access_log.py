"""The access log names the client behind a trusted proxy, and logs routes, never paths."""

from __future__ import annotations

import logging

import pytest

pytestmark = pytest.mark.django_db


def _lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "laktasi.access"]


def test_access_log_names_the_forwarded_client_of_a_trusted_proxy_only(client, settings, caplog):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    caplog.set_level(logging.INFO, logger="laktasi.access")
    client.get("/healthz", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    client.get("/healthz", REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="6.6.6.6")
    trusted, untrusted = _lines(caplog)
    assert trusted.startswith('203.0.113.7 "GET /healthz" 200 ')
    assert untrusted.startswith('198.51.100.9 "GET /healthz" 200 ')
    assert "6.6.6.6" not in trusted + untrusted


def test_access_log_writes_the_route_pattern_not_the_path_nor_the_query(client, caplog):
    caplog.set_level(logging.INFO, logger="laktasi.access")
    client.get("/isi/secret-token-abc/?q=Siti")
    client.get("/impor/12345/")
    text = "\n".join(_lines(caplog))
    assert "secret-token-abc" not in text
    assert "Siti" not in text
    assert "12345" not in text
    assert '"GET /impor/<int:pk>/" 302' in text
