"""visit_list's filters (the API's /visits query): each narrows the user's scope, never widens it."""

from __future__ import annotations

from datetime import timedelta

from laktasi.followups.selectors import visit_list
from tests.followups.helpers import record, scheduled


def _ids(qs) -> set[int]:
    return set(qs.values_list("pk", flat=True))


def test_visit_list_filters_by_baby_mother_done_and_due_days(world):
    admin = world.users["admin"]
    melati, mawar = world.mothers["melati"], world.mothers["mawar"]
    hers = scheduled(melati.babies.get())
    others = scheduled(mawar.babies.get())
    first = min(hers.values(), key=lambda v: v.due_date)
    record(first, user=admin)
    assert _ids(visit_list(user=admin, mother=melati.pk)) == {v.pk for v in hers.values()}
    assert _ids(visit_list(user=admin, baby=mawar.babies.get().pk)) == {
        v.pk for v in others.values()
    }
    assert _ids(visit_list(user=admin, mother=melati.pk, done=True)) == {first.pk}
    assert first.pk not in _ids(visit_list(user=admin, mother=melati.pk, done=False))
    day = first.due_date
    in_range = _ids(visit_list(user=admin, mother=melati.pk, due_from=day, due_to=day))
    assert in_range == {v.pk for v in hers.values() if v.due_date == day}
    later = _ids(visit_list(user=admin, due_from=day + timedelta(days=1)))
    assert first.pk not in later


def test_cadre_filtering_by_another_posyandus_mother_gets_no_visits(world):
    kader = world.users["kader"]  # Posyandu Melati
    mawar = world.mothers["mawar"]  # Posyandu Mawar: not hers
    scheduled(world.mothers["melati"].babies.get())
    scheduled(mawar.babies.get())
    assert visit_list(user=kader, mother=world.mothers["melati"].pk).exists()
    assert not visit_list(user=kader, mother=mawar.pk).exists()
    assert not visit_list(user=kader, baby=mawar.babies.get().pk).exists()
    assert not visit_list(user=kader, baby=mawar.babies.get().pk, done=False).exists()
