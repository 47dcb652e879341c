"""make test's PostgreSQL step (--database-tests-only, tests/conftest.py) keeps every test that
can reach the database, and only those."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FILES = [
    "tests/deploy/test_production.py",  # own_database: its processes use DATABASE_URL
    "tests/stats/test_package.py",  # pure statistics: no database
    "tests/a11y/test_indonesian_everywhere.py",  # once_per_run
    "tests/security/test_backup.py",  # both kinds
]


def _collected(*options: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--collect-only",
         "-m", "not e2e", *options, *FILES],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    return {line for line in out.splitlines() if "::" in line}


def test_the_postgresql_step_keeps_the_database_tests_and_drops_the_others():
    everything = _collected()
    kept = _collected("--database-tests-only")
    dropped = everything - kept
    assert kept < everything
    assert any("test_production_configuration" in test for test in kept)
    assert any("test_postgresql_backup_restores_every_row" in test for test in kept)
    assert all("test_package.py" in t or "indonesian" in t or "test_backup" in t for t in dropped)
    assert any("test_package.py" in test for test in dropped)
    assert any("indonesian_everywhere" in test for test in dropped)
    assert not any("test_package.py" in test for test in kept)
