"""Reads for follow-up, scoped to the user through the baby's mother."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from laktasi.accounts.models import User
from laktasi.followups.models import (
    REFERRAL_PROBLEMS,
    SIX_MONTHS_DAYS,
    SMOOTHNESS_INSTRUMENT,
    Visit,
)
from laktasi.instruments.models import Response
from laktasi.mothers.models import Baby
from laktasi.mothers.selectors import scope

UPCOMING_DAYS = 14  # "coming up": windows opening in the next two weeks
MISSED_VISIBLE_DAYS = 60  # a missed window stays on the list this long
PRELACTEAL_OR_FORMULA = {"formula_or_animal_milk", "prelacteal_like"}


def visit_list(*, user: User) -> QuerySet[Visit]:
    return scope(
        Visit.objects.select_related("baby__mother__facility", "recall"),
        user=user,
        prefix="baby__mother__",
    )


def visit_get(*, user: User, pk: int | str) -> Visit:
    try:
        return visit_list(user=user).get(pk=pk)
    except (Visit.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("visit not found") from exc


def baby_visits(*, user: User, baby: Baby) -> QuerySet[Visit]:
    return visit_list(user=user).filter(baby=baby).order_by("due_date", "number")


@dataclass
class Task:
    visit: Visit
    state: str  # today, overdue, upcoming, missed
    alerts: list[str] = field(default_factory=list)


@dataclass
class TaskList:
    today: date
    due_today: list[Task]
    overdue: list[Task]
    upcoming: list[Task]
    missed: list[Task]
    alerts: dict[int, list[str]]  # baby pk -> alert codes
    alert_babies: list[Baby]


def task_state(visit: Visit, today: date) -> str:
    if visit.done_on is not None:
        return "done"
    if visit.window_end < today:
        return "missed"
    if visit.window_start > today:
        return "upcoming"
    return "overdue" if visit.due_date < today else "today"


def task_list(*, user: User, today: date | None = None) -> TaskList:
    """Open tasks in the user's area: due today, overdue, coming up, and recently missed."""
    today = today or timezone.localdate()
    visits = list(
        scope(
            Visit.objects.select_related("baby__mother__facility"),
            user=user,
            prefix="baby__mother__",
        )
        .filter(
            done_on__isnull=True,
            scheduled=True,
            window_start__lte=today + timedelta(days=UPCOMING_DAYS),
            window_end__gte=today - timedelta(days=MISSED_VISIBLE_DAYS),
        )
        .order_by("due_date", "baby__mother__full_name", "pk")
    )
    active_babies = {
        b.pk: b
        for b in scope(
            Baby.objects.select_related("mother__facility"), user=user, prefix="mother__"
        ).filter(birth_date__gte=today - timedelta(days=SIX_MONTHS_DAYS + MISSED_VISIBLE_DAYS))
    }
    alerts = baby_alerts(babies=list(active_babies.values()), today=today)
    groups: dict[str, list[Task]] = defaultdict(list)
    for visit in visits:
        state = task_state(visit, today)
        groups[state].append(Task(visit, state, alerts.get(visit.baby_id, [])))
    alert_babies = sorted(
        (active_babies[pk] for pk in alerts if alerts[pk]),
        key=lambda b: (b.mother.full_name, b.pk),
    )
    return TaskList(
        today=today,
        due_today=groups["today"],
        overdue=groups["overdue"],
        upcoming=groups["upcoming"],
        missed=list(reversed(groups["missed"])),
        alerts=alerts,
        alert_babies=alert_babies,
    )


def baby_alerts(*, babies: list[Baby], today: date) -> dict[int, list[str]]:
    """Alert codes per baby (already scoped by the caller).

    ``not_exclusive`` (latest recall), ``formula_or_prelacteal`` (latest recall),
    ``referral`` (a problem needing referral at the latest visit), ``belum_lancar`` (the
    mother's latest milk-smoothness assessment), ``two_missed`` (the last two closed windows
    both missed).
    """
    if not babies:
        return {}
    ids = [b.pk for b in babies]
    referral_problems = set(getattr(settings, "LAKTASI_REFERRAL_PROBLEMS", REFERRAL_PROBLEMS))
    by_baby: dict[int, list[Visit]] = defaultdict(list)
    for v in (
        Visit.objects.filter(baby_id__in=ids, scheduled=True)
        .only("baby_id", "due_date", "window_end", "done_on", "feeding_status", "problems",
              "recall_id")
        .order_by("due_date", "pk")
    ):  # fmt: skip
        by_baby[v.baby_id].append(v)
    latest_recall: dict[int, Visit] = {}
    for baby_id, visits in by_baby.items():
        done = sorted((v for v in visits if v.done_on and v.feeding_status),
                      key=lambda v: (v.done_on, v.pk))  # fmt: skip
        if done:
            latest_recall[baby_id] = done[-1]
    flags_of = {
        pk: set((details or {}).get("flags", []))
        for pk, details in Response.objects.filter(
            pk__in=[v.recall_id for v in latest_recall.values() if v.recall_id]
        ).values_list("pk", "details")
    }
    smooth = {}
    for r in Response.objects.filter(
        instrument_id=SMOOTHNESS_INSTRUMENT, mother_id__in={b.mother_id for b in babies}
    ).order_by("collected_at", "pk"):
        smooth[r.mother_id] = r.category
    out: dict[int, list[str]] = {}
    for baby in babies:
        visits = by_baby.get(baby.pk, [])
        done = [v for v in visits if v.done_on is not None]
        done.sort(key=lambda v: (v.done_on, v.pk))
        codes = []
        last_recall = latest_recall.get(baby.pk)
        if last_recall and last_recall.feeding_status != "exclusive":
            codes.append("not_exclusive")
        flags = flags_of.get(last_recall.recall_id, set()) if last_recall else set()
        if flags & PRELACTEAL_OR_FORMULA:
            codes.append("formula_or_prelacteal")
        if done and set(done[-1].problems) & referral_problems:
            codes.append("referral")
        if smooth.get(baby.mother_id) == "belum_lancar":
            codes.append("belum_lancar")
        closed = [v for v in visits if v.window_end < today]
        if len(closed) >= 2 and all(v.done_on is None for v in closed[-2:]):
            codes.append("two_missed")
        out[baby.pk] = codes
    return out
