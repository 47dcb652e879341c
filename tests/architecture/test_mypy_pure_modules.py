"""`make lint`'s mypy --strict covers the pure modules beyond laktasi.stats: an untyped
function planted in one of them fails, and every module on the list stays free of Django
(which is why no django-stubs are needed)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _mypy_files() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["mypy"]["files"]


def test_mypy_checks_more_than_the_statistics():
    files = _mypy_files()
    assert "laktasi/stats" in files
    assert {"laktasi/core/spreadsheet.py", "laktasi/followups/rules.py"} <= set(files)
    assert all((ROOT / f).exists() for f in files)


@pytest.mark.parametrize("path", [f for f in _mypy_files() if f.endswith(".py")])
def test_strictly_typed_module_does_not_import_django(path):
    text = (ROOT / path).read_text(encoding="utf-8")
    assert not re.search(r"^\s*(from|import) django\b", text, flags=re.MULTILINE)


def test_mypy_strict_refuses_an_untyped_function_in_the_alert_rules(copy):
    rules = copy / "laktasi" / "followups" / "rules.py"
    rules.write_text(rules.read_text() + "\n\ndef probe(visits):\n    return visits\n")
    env = {**os.environ, "PYTHONPATH": str(copy)}
    result = subprocess.run(
        [str(BIN / "mypy"), "--no-incremental"], cwd=copy, env=env, capture_output=True,
        text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode != 0, result.stdout
    assert "rules.py" in result.stdout
    assert "Function is missing a type annotation" in result.stdout
