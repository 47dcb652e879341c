"""Roll-ups per district, regency and province give the country, province and regency pages
exactly the counts the snapshot gives, and follow a recorded visit without a full refresh."""

from __future__ import annotations

import pytest
from django.utils import timezone

from laktasi.dashboards import selectors
from laktasi.dashboards.selectors import dashboard_get, unit_get
from laktasi.followups.models import IndicatorRollup
from laktasi.followups.rollups import rollups_refresh
from tests.dashboards.test_dashboard import cohort  # noqa: F401 (a fixture)
from tests.followups.helpers import new_baby, record, scheduled

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cohort")]
UNITS = [("all", ""), ("province", "35"), ("regency", "35.23")]


def _numbers(data) -> tuple:
    return (data.children, data.feeding, data.feeding_by_age, data.visits, data.eibf,
            data.imd, sorted(data.survival), data.mothers, data.as_of)  # fmt: skip


def _from_snapshot(monkeypatch, user, level, key):
    with monkeypatch.context() as patched:
        patched.setattr(selectors, "ROLLUP_LEVEL", {})
        return _numbers(dashboard_get(user=user, unit=unit_get(user=user, level=level, key=key)))


def _rows() -> list[tuple]:
    return sorted(IndicatorRollup.objects.values_list(
        "level", "area", "metric", "status", "age_month", "duration_days", "event",
        "husband_massage", "primipara", "n"))  # fmt: skip


def test_country_province_and_regency_pages_read_rollups_with_the_snapshot_numbers(
    world, monkeypatch
):
    viewer = world.users["viewer"]
    assert {level for level, *_ in _rows()} == {1, 2, 3}
    assert {area for level, area, *_ in _rows() if level == 3} == {"35.23.11", "35.23.12"}
    for level, key in UNITS:
        unit = unit_get(user=viewer, level=level, key=key)
        rolled = _numbers(dashboard_get(user=viewer, unit=unit))
        assert rolled == _from_snapshot(monkeypatch, viewer, level, key), level
        assert rolled[1]  # feeding counts are there, not two empty results
    regency = dashboard_get(user=viewer, unit=unit_get(user=viewer, level="regency", key="35.23"))
    assert set(regency.children) == {"35.23.11", "35.23.12"}


def test_a_recorded_visit_updates_the_rollups_as_a_full_rebuild_would(world):
    before = _rows()
    baby = new_baby(world.mothers["kenanga"], age_days=8)
    record(scheduled(baby)["d7"], status="exclusive", on=timezone.localdate())
    incremental = _rows()
    assert incremental != before
    rollups_refresh()
    assert _rows() == incremental


def test_a_cadre_at_region_level_still_reads_only_her_facilities(world):
    kader = world.users["kader"]
    data = dashboard_get(user=kader, unit=unit_get(user=kader, level="all", key=""))
    assert data.mothers == 1  # Melati's one mother, not the three of the roll-up
