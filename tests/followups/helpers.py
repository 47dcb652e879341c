"""Shared helpers for follow-up and dashboard tests."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from laktasi.followups.models import Visit
from laktasi.followups.services import visit_record, visits_schedule
from laktasi.instruments import registry
from laktasi.mothers.models import Mother
from laktasi.mothers.services import baby_add


def recall(status: str = "exclusive") -> dict[str, str]:
    """Recall answers (without the age item) that classify as ``status``."""
    definition = registry.get("feeding_recall_24h")
    answers = {
        it.id: "no" for it in definition.items if it.recall_class and it.id != "breastfed_yesterday"
    }
    answers["breastfed_yesterday"] = "no" if status == "not_breastfed" else "yes"
    extra = {
        "mixed_milk": "infant_formula",
        "predominant": "plain_water",
        "partial": "solid_foods",
        "prelacteal": "honey_sugar_water",
    }.get(status)
    if extra:
        answers[extra] = "yes"
    return answers


def new_baby(mother: Mother, *, age_days: int, today: date | None = None):
    today = today or timezone.localdate()
    return baby_add(mother=mother, birth_date=today - timedelta(days=age_days), sex="F")


def scheduled(baby, since=None) -> dict[str, Visit]:
    visits_schedule(baby=baby, since=since or baby.birth_date)
    return {v.key: v for v in baby.visits.all()}


def record(visit: Visit, *, status: str = "exclusive", on: date | None = None, user=None, **kw):
    return visit_record(
        visit=visit,
        recorded_by=user,
        done_on=on or visit.due_date,
        mode=kw.pop("mode", "home"),
        recall_answers=recall(status) if status else None,
        **kw,
    )
