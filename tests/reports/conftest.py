"""Fixtures for report tests: the demo program with the article's pre/post responses."""

from __future__ import annotations

import pytest

from laktasi.demo.loader import PROGRAM_TITLE
from laktasi.programs.models import Program
from tests.conftest import module_data_fixture, regions_and_demo

_demo_of_the_module = module_data_fixture(regions_and_demo)


@pytest.fixture
def demo_program(_demo_of_the_module, db) -> Program:
    return Program.objects.get(title=PROGRAM_TITLE)
