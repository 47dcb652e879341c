"""``module_data_fixture`` (tests/conftest.py): data loaded once for a module's tests is seen by
each of them, a test's own writes are undone after it, and nothing is left after the module."""

from __future__ import annotations

import pytest

from laktasi.places.models import Region, RegionLevel
from tests.conftest import loaded_for_the_module, module_data_fixture


def _one_province() -> None:
    Region.objects.create(code="91", name="Papua Barat", level=RegionLevel.PROVINCE)


_province_of_the_module = module_data_fixture(_one_province)


@pytest.mark.usefixtures("_province_of_the_module")
@pytest.mark.parametrize("run", [1, 2])
def test_each_test_sees_the_module_data_and_not_the_writes_of_the_one_before(run, db):
    assert list(Region.objects.values_list("code", flat=True)) == ["91"]
    Region.objects.create(code=f"9{run + 1}", name="written by a test", level=RegionLevel.PROVINCE)
    assert Region.objects.count() == 2


def test_the_data_is_rolled_back_when_the_module_ends(db, django_db_blocker):
    def load():
        Region.objects.create(code="99", name="loaded", level=RegionLevel.PROVINCE)

    with loaded_for_the_module(django_db_blocker, load):
        assert Region.objects.filter(code="99").exists()
    assert not Region.objects.filter(code="99").exists()
