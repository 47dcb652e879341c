"""Visit schedules: generated from the birth date, per program, idempotent."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import call_command

from laktasi.followups.models import DEFAULT_CONTACTS, FollowupPlan, Visit
from laktasi.followups.schedule import completed_months, contact_dates
from laktasi.followups.services import schedules_refresh, visits_schedule
from tests.followups.helpers import new_baby, scheduled


def test_default_plan_has_the_documented_contacts():
    dates = contact_dates(date(2025, 1, 1), DEFAULT_CONTACTS)
    assert [c.key for c in dates] == ["d1_3", "d7", "d14", "d28", "m2", "m3", "m4", "m5", "m6"]
    first = dates[0]
    assert (first.window_start, first.due_date, first.window_end) == (
        date(2025, 1, 2),
        date(2025, 1, 3),
        date(2025, 1, 4),
    )
    assert dates[-1].window_end < date(2025, 1, 1) + timedelta(days=183)


@pytest.mark.parametrize(
    ("birth", "on", "months"),
    [
        (date(2025, 1, 31), date(2025, 2, 28), 0),
        (date(2025, 1, 15), date(2025, 2, 15), 1),
        (date(2025, 1, 15), date(2025, 7, 14), 5),
        (date(2025, 1, 15), date(2025, 7, 15), 6),
    ],
)
def test_completed_months_counts_whole_calendar_months(birth, on, months):
    assert completed_months(birth, on) == months


def test_schedule_is_created_once_and_refresh_is_idempotent(world):
    baby = new_baby(world.mothers["melati"], age_days=0)
    assert visits_schedule(baby=baby) == (9, 0)
    assert visits_schedule(baby=baby) == (0, 0)
    totals = schedules_refresh()
    assert totals["created"] == 0
    assert baby.visits.count() == 9


def test_baby_registered_late_gets_no_past_contacts(world):
    baby = new_baby(world.mothers["melati"], age_days=100)
    visits_schedule(baby=baby)
    assert sorted(baby.visits.values_list("key", flat=True)) == ["m3", "m4", "m5", "m6"]


def test_program_plan_overrides_default(world):
    FollowupPlan.objects.create(
        program=world.program,
        contacts=[{"key": "w1", "label": "week 1", "day": 7, "before": 0, "after": 3}],
    )
    baby = new_baby(world.mothers["melati"], age_days=1)
    visits = scheduled(baby)
    assert list(visits) == ["w1"]
    other = new_baby(world.mothers["mawar"], age_days=1)
    assert len(scheduled(other)) == 9


def test_birth_date_correction_moves_open_visits_only(world):
    baby = new_baby(world.mothers["melati"], age_days=20)
    visits = scheduled(baby)
    done = visits["d1_3"]
    done.done_on = done.due_date
    done.save()
    baby.birth_date -= timedelta(days=2)
    baby.save()
    created, updated = visits_schedule(baby=baby, since=baby.birth_date)
    assert created == 0
    assert updated == 8
    done.refresh_from_db()
    assert done.due_date == baby.birth_date + timedelta(days=4)  # untouched


def test_followups_refresh_command_is_cron_safe(world, capsys):
    new_baby(world.mothers["mawar"], age_days=3)
    call_command("followups", "refresh")
    first = Visit.objects.count()
    call_command("followups", "refresh")
    assert Visit.objects.count() == first > 0
    assert "visits created 0" in capsys.readouterr().out
