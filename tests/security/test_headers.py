"""Content Security Policy without inline code, secure headers, and `check --deploy` clean."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_ATTRIBUTE = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:]) for part in header.split(";") if part.strip()
    }


def test_csp_forbids_inline_scripts_and_styles(client, world):
    response = client.get(reverse("login"))
    policy = _policy(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    "url",
    ["/", "/ibu/", "/admin/", "/admin/mothers/mother/", "/admin/privacy/accesslogentry/"],
)
def test_pages_have_no_inline_code(client, world, url):
    client.login(username="admin", password=PASSWORD)
    html = client.get(url).content.decode()
    assert INLINE_SCRIPT.findall(html) == []
    assert EVENT_ATTRIBUTE.findall(html) == []
    assert STYLE_ATTRIBUTE.findall(html) == []


def test_mother_page_has_no_inline_code(client, world):
    client.login(username="kader", password=PASSWORD)
    pk = world.mothers["melati"].pk
    for url in (reverse("mothers:detail", args=[pk]), reverse("privacy:mother", args=[pk])):
        html = client.get(url).content.decode()
        assert INLINE_SCRIPT.findall(html) == []
        assert STYLE_ATTRIBUTE.findall(html) == []


def test_htmx_is_told_not_to_inject_inline_styles(client, world):
    html = client.get(reverse("login")).content.decode()
    config = re.search(r'<meta name="htmx-config" content=\'([^\']*)\'>', html)
    assert json.loads(config[1]) == {
        "includeIndicatorStyles": False,
        "attributesToSettle": ["class", "width", "height"],  # a settled style="" is inline too
    }


def test_basic_security_headers(client, world):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_sessions_expire_and_cookies_are_http_only(settings):
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_COOKIE_HTTPONLY


def _production_env() -> dict[str, str]:
    return {
        **os.environ,
        "LAKTASI_MODE": "production",
        "LAKTASI_SECRET_KEY": secrets.token_urlsafe(50),
        "LAKTASI_FIELD_KEYS": secrets.token_urlsafe(32),
        "LAKTASI_NIK_HASH_KEY": secrets.token_urlsafe(32),
        "LAKTASI_ALLOWED_HOSTS": "laktasi.example.org",
        "DATABASE_URL": "postgres://laktasi@localhost/laktasi",
    }


def test_check_deploy_is_clean_in_production_mode():
    result = subprocess.run(
        [sys.executable, "-m", "laktasi", "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_turns_on_hsts_and_secure_cookies():
    code = (
        "import django;django.setup();from django.conf import settings as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_SSL_REDIRECT, s.TWO_FACTOR_REQUIRED)"
    )
    env = {**_production_env(), "DJANGO_SETTINGS_MODULE": "laktasi.settings"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["31536000", "True", "True", "True", "True"]
