"""SQLite for many users on one server: WAL really on, and concurrent writers never see
"database is locked"."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

SCRIPT = Path(__file__).with_name("sqlite_writers.py")


@pytest.mark.slow
def test_concurrent_writers_through_services_never_hit_a_lock(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite run")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "LAKTASI_SQLITE_PATH"}
    }
    env["LAKTASI_VAR_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "8", "4"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["pragmas"]["journal_mode"] == "wal"
    assert report["pragmas"]["busy_timeout"] == 20000
    assert report["pragmas"]["foreign_keys"] == 1
    assert report["n_errors"] == 0, report["errors"]
    assert report["writes"] >= 8
