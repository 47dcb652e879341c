"""Fixtures for report tests: the demo program with the article's pre/post responses."""

from __future__ import annotations

import pytest

from laktasi.demo.loader import PROGRAM_TITLE, demo_load
from laktasi.programs.models import Program
from tests.conftest import make_regions


@pytest.fixture
def demo_program(db) -> Program:
    make_regions()
    demo_load()
    return Program.objects.get(title=PROGRAM_TITLE)
