"""Shared by the architecture tests: a copy of the package to break on purpose."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """The package's Python files and the configuration, in a directory of their own."""
    shutil.copytree(
        ROOT / "laktasi",
        tmp_path / "laktasi",
        ignore=shutil.ignore_patterns("locale", "static", "templates", "__pycache__", "*.mo"),
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path
