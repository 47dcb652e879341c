"""Reads for follow-up, scoped to the user through the baby's mother."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

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
from laktasi.followups.rules import (
    URGENT_LEVELS,
    BabyFacts,
    VisitFacts,
    WeightRules,
    alert_level,
    baby_alert_codes,
)
from laktasi.instruments.models import Response, Source
from laktasi.mothers.models import Baby
from laktasi.mothers.selectors import scope
from laktasi.programs.models import Enrollment

UPCOMING_DAYS = 14  # "coming up": windows opening in the next two weeks
MISSED_VISIBLE_DAYS = 60  # a missed window stays on the list this long


def visit_list(
    *,
    user: User,
    baby: int | None = None,
    mother: int | None = None,
    done: bool | None = None,
    due_from: date | None = None,
    due_to: date | None = None,
) -> QuerySet[Visit]:
    """Visits of the babies of mothers in the user's scope, optionally only one baby's or one
    mother's (ids), done or still open, or due in a range of days (inclusive). A filter only
    narrows the scope: another user's baby gives no visits, never an error that says it exists."""
    qs = scope(
        Visit.objects.select_related("baby__mother__facility", "recall"),
        user=user,
        prefix="baby__mother__",
    )
    if baby is not None:
        qs = qs.filter(baby_id=baby)
    if mother is not None:
        qs = qs.filter(baby__mother_id=mother)
    if done is not None:
        qs = qs.filter(done_on__isnull=not done)
    if due_from is not None:
        qs = qs.filter(due_date__gte=due_from)
    if due_to is not None:
        qs = qs.filter(due_date__lte=due_to)
    return qs


def visit_get(*, user: User, pk: int | str) -> Visit:
    try:
        return visit_list(user=user).get(pk=pk)
    except (Visit.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("visit not found") from exc


def baby_visits(*, user: User, baby: Baby) -> QuerySet[Visit]:
    return visit_list(user=user).filter(baby=baby).order_by("due_date", "number")


def own_recall(visit: Visit) -> Response | None:
    """The recall the mother sent from her own link for this still open visit, if any."""
    if visit.done_on is not None or visit.recall_id is None:
        return None
    recall = visit.recall
    return recall if recall.source == Source.SELF else None


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
    # same-day and within-a-day referrals, shown first and in red: (baby, urgent codes)
    urgent: list[tuple[Baby, list[str]]] = field(default_factory=list)


def urgent_codes(codes: list[str]) -> list[str]:
    return [c for c in codes if alert_level(c) in URGENT_LEVELS]


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
    urgent = sorted(
        ((b, urgent_codes(alerts[b.pk])) for b in alert_babies if urgent_codes(alerts[b.pk])),
        key=lambda row: (URGENT_LEVELS.index(alert_level(row[1][0])), row[0].mother.full_name,
                         row[0].pk),
    )  # fmt: skip
    return TaskList(
        urgent=urgent,
        today=today,
        due_today=groups["today"],
        overdue=groups["overdue"],
        upcoming=groups["upcoming"],
        missed=list(reversed(groups["missed"])),
        alerts=alerts,
        alert_babies=alert_babies,
    )


def weight_rules_by_mother(mother_ids) -> dict[int, WeightRules]:
    """Each mother's weight thresholds: those of her first program (by start date) that has
    a follow-up plan, as for the visit schedule; mothers without one get the defaults."""
    out: dict[int, WeightRules] = {}
    for mother_id, assess, refer, regain in (
        Enrollment.objects.filter(mother_id__in=mother_ids, program__followup_plan__isnull=False)
        .order_by("program__start_date", "program__followup_plan__pk")
        .values_list("mother_id", "program__followup_plan__weight_assess_loss_pct",
                     "program__followup_plan__weight_refer_loss_pct",
                     "program__followup_plan__regain_birth_weight_by_day")
    ):  # fmt: skip
        out.setdefault(
            mother_id,
            WeightRules(
                assess_loss_pct=Fraction(assess),
                refer_loss_pct=Fraction(refer),
                regain_by_day=regain,
            ),
        )
    return out


def _baby_facts(babies: list[Baby]) -> dict[int, BabyFacts]:
    """The query half of :func:`baby_alerts`: visits, recall flags and smoothness per baby."""
    ids = [b.pk for b in babies]
    configured = settings.LAKTASI_REFERRAL_PROBLEMS
    referral_problems = frozenset(REFERRAL_PROBLEMS if configured is None else configured)
    visits = list(
        Visit.objects.filter(baby_id__in=ids, scheduled=True)
        .only("baby_id", "due_date", "window_end", "done_on", "feeding_status", "problems",
              "recall_id", "weight_g", "wet_nappies", "age_days")
        .order_by("due_date", "pk")
    )  # fmt: skip
    recall_ids = [v.recall_id for v in visits if v.recall_id and v.feeding_status]
    flags_of = {
        pk: frozenset((details or {}).get("flags", []))
        for pk, details in Response.objects.filter(pk__in=recall_ids).values_list("pk", "details")
    }
    by_baby: dict[int, list[VisitFacts]] = defaultdict(list)
    for v in visits:
        by_baby[v.baby_id].append(
            VisitFacts(
                due_date=v.due_date,
                window_end=v.window_end,
                done_on=v.done_on,
                feeding_status=v.feeding_status,
                problems=tuple(v.problems or ()),
                weight_g=v.weight_g,
                wet_nappies=v.wet_nappies,
                age_days=v.age_days,
                recall_flags=flags_of.get(v.recall_id, frozenset()),
            )
        )
    smooth = {}
    for mother_id, category in (
        Response.objects.filter(
            instrument_id=SMOOTHNESS_INSTRUMENT, mother_id__in={b.mother_id for b in babies}
        )
        .order_by("collected_at", "pk")
        .values_list("mother_id", "category")
    ):
        smooth[mother_id] = category
    return {
        b.pk: BabyFacts(
            birth_weight_g=b.birth_weight_g,
            visits=by_baby.get(b.pk, []),
            smoothness=smooth.get(b.mother_id),
            referral_problems=referral_problems,
        )
        for b in babies
    }


def baby_alerts(*, babies: list[Baby], today: date) -> dict[int, list[str]]:
    """Alert codes per baby (already scoped by the caller), most urgent first.

    The query (:func:`_baby_facts`) is kept apart from the rule
    (:func:`laktasi.followups.rules.baby_alert_codes`): danger signs (same day), weight
    against birth weight and wet nappies by day of life, ``referral``, ``not_exclusive`` and
    ``formula_or_prelacteal`` (latest recall), ``belum_lancar`` (the mother's latest
    milk-smoothness category) and ``two_missed``.
    """
    if not babies:
        return {}
    facts = _baby_facts(babies)
    rules_of = weight_rules_by_mother({b.mother_id for b in babies})
    default = WeightRules()
    return {
        b.pk: baby_alert_codes(facts[b.pk], today=today, rules=rules_of.get(b.mother_id, default))
        for b in babies
    }
