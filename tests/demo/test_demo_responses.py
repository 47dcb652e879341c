"""The demo reproduces the article's published margins through the real scoring code."""

from __future__ import annotations

from collections import Counter

import pytest

from laktasi.demo.loader import demo_load
from laktasi.instruments import registry, scoring
from laktasi.instruments.models import Response
from tests.conftest import module_data_fixture, regions_and_demo

_demo_of_the_module = module_data_fixture(regions_and_demo)


@pytest.fixture
def demo(_demo_of_the_module, db):
    pass


def _margins(instrument_id: str, timepoint: str) -> Counter:
    rows = Response.objects.filter(
        instrument_id=instrument_id, timepoint=timepoint, observer="primary"
    )
    return Counter(rows.values_list("category", flat=True))


def test_demo_knowledge_margins_match_the_article(demo):
    assert _margins("knowledge_test", "pre") == {"baik": 2, "cukup": 5, "kurang": 8}
    assert _margins("knowledge_test", "post") == {"baik": 10, "cukup": 4, "kurang": 1}


def test_demo_smoothness_margins_match_the_article(demo):
    assert _margins("milk_smoothness", "pre") == {"lancar": 6, "belum_lancar": 9}
    assert _margins("milk_smoothness", "post") == {"lancar": 13, "belum_lancar": 2}


def test_stored_categories_are_what_the_scorer_gives(demo):
    for response in Response.objects.all():
        definition = registry.get(response.instrument_id, response.instrument_version)
        assert scoring.score(definition, response.answers).category == (response.category or None)


def test_demo_responses_are_not_duplicated_on_reload(demo):
    count = Response.objects.count()
    demo_load()
    assert Response.objects.count() == count
    assert Response.objects.filter(observer="second").exists()
