"""Fixtures for instrument tests (helpers live in helpers.py)."""

from __future__ import annotations

import copy

import pytest

from laktasi.instruments import registry
from tests.instruments.helpers import minimal


@pytest.fixture
def mini():
    """Factory: a deep copy of a minimal valid definition dict of the given kind."""
    return lambda kind: copy.deepcopy(minimal(kind))


@pytest.fixture(autouse=True)
def _fresh_registry_cache():
    registry.clear_cache()
    yield
    registry.clear_cache()
