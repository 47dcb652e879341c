"""The demo has six months of follow-up for the article's babies and live tasks in Mawar."""

from __future__ import annotations

from collections import Counter

import pytest

from laktasi.accounts.models import User
from laktasi.demo.loader import demo_load
from laktasi.followups.models import IndicatorSnapshot, Visit
from laktasi.followups.selectors import task_list
from laktasi.mothers.models import Baby
from tests.conftest import make_regions


@pytest.fixture
def demo(db):
    make_regions()  # the demo's villages, so the full Kemendagri list is not loaded
    demo_load()


def test_demo_has_histories_live_tasks_and_reloads_idempotently(demo):
    """One test (the demo takes ~25 s to load): histories, Mawar's tasks, a second load."""
    babies = Baby.objects.filter(mother__facility__name="Posyandu Melati")
    assert babies.count() == 15
    visits = Visit.objects.filter(baby__in=babies)
    assert visits.count() == 15 * 9
    done = visits.exclude(done_on=None)
    assert done.count() >= 15 * 7
    assert all(v.recall_id for v in done)
    statuses = Counter(done.values_list("feeding_status", flat=True))
    assert statuses["exclusive"] > statuses["mixed_milk"] > 0
    assert statuses["predominant"] > 0
    assert statuses["partial"] > 0
    assert IndicatorSnapshot.objects.filter(metric="survival").exists()

    tasks = task_list(user=User.objects.get(username="demo-kader-mawar"))
    assert len(tasks.due_today) == 1
    assert len(tasks.overdue) == 1
    assert tasks.missed
    assert any(tasks.alerts.values())
    assert all(t.visit.baby.mother.facility.name == "Posyandu Mawar" for t in tasks.due_today)

    before = Visit.objects.count()
    demo_load()
    assert Visit.objects.count() == before
