"""LAKTASI_CACHE=database: the answer links' rate limits are counted in the database, so every
process and host of a deployment shares them (docs/deploy.md)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection

from laktasi.links import throttle

pytestmark = pytest.mark.django_db(transaction=True)
DATABASE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "laktasi_cache",
    }
}


def test_link_rate_limit_is_counted_in_the_shared_database_cache(settings):
    settings.CACHES = DATABASE_CACHE
    settings.LAKTASI_LINK_RATE_PER_MINUTE = 3
    call_command("createcachetable", verbosity=0)
    try:
        assert [throttle.link_request_allowed("h1") for _ in range(4)] == [True] * 3 + [False]
        caches["default"].close()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM laktasi_cache WHERE cache_key LIKE %s",
                           ["%laktasi:links:link:h1:%"])  # fmt: skip
            assert cursor.fetchone()[0] == 1
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS laktasi_cache")


def test_an_unknown_cache_setting_is_refused():
    env = {**os.environ, "LAKTASI_CACHE": "memcached"}
    result = subprocess.run([sys.executable, "-c", "import laktasi.settings"], env=env,
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode != 0
    assert "LAKTASI_CACHE must be 'local' or 'database'" in result.stderr
