"""Demo follow-up: six months of visits for the article's babies, and live tasks in Mawar.

Everything here is synthetic. Posyandu Melati's 15 babies (born Dec 2024 – Jan 2025) get
complete visit histories with 24-hour recalls recorded through the real services: most stay
exclusively breastfed, some move to water/herbal drinks, formula or food, a few visits are
missed and one mother is lost to follow-up. Posyandu Mawar's two babies are moved to be 7
and 30 days old *today* (every time the demo loads), so demo-kader-mawar's task list shows a
visit due today, an overdue one, a missed one and alerts.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from laktasi.accounts.models import User
from laktasi.followups.models import Visit
from laktasi.followups.services import snapshot_refresh, visit_record, visits_schedule
from laktasi.instruments import registry
from laktasi.instruments.models import Response
from laktasi.instruments.synthesis import answers_for
from laktasi.mothers.models import Baby, Relationship
from laktasi.places.models import Facility

MODES = {"d1_3": "home", "d7": "home", "d14": "phone", "d28": "home"}
# Six of the 15 babies stop exclusive breastfeeding: at which visit (0-based) and how.
STOPS = {
    0: (2, "predominant"),  # honey water / jamu at two weeks
    3: (5, "mixed_milk"),  # formula from month 3
    5: (4, "mixed_milk"),  # formula at month 2
    8: (7, "predominant"),  # water at month 5
    10: (6, "partial"),  # porridge at month 4
    13: (8, "partial"),  # banana before six months
}
MAWAR_AGES = (7, 30)  # days old today


def _answers(status: str, rng: random.Random) -> dict:
    return answers_for(registry.get("feeding_recall_24h"), status, rng=rng)


def _history(baby: Baby, index: int, user: User) -> int:
    """Record a plausible six-month history for one article baby; returns visits recorded."""
    rng = random.Random(f"demo-followup-{baby.mother.identifier}")
    husband = baby.mother.companions.filter(relationship=Relationship.HUSBAND).exists()
    stop_at, stop_status = STOPS.get(index, (None, ""))
    lost_after = 5 if index == 11 else None  # one mother moves away after month 2
    ended = None
    recorded = 0
    visits = list(baby.visits.filter(scheduled=True).order_by("number"))
    for i, visit in enumerate(visits):
        if (lost_after is not None and i >= lost_after) or (i > 0 and rng.random() < 0.07):
            continue  # missed
        if stop_at is not None and i >= stop_at and ended is None:
            ended = stop_status
        status = ended or "exclusive"
        massage = i < 6 and rng.random() < 0.8
        problems = []
        if i < 2 and rng.random() < 0.3:
            problems.append(rng.choice(["sore_nipples", "engorgement"]))
        if index == 4 and visit.key == "d14":
            problems.append("mastitis_signs")
        if i >= 4 and status != "exclusive" and rng.random() < 0.5:
            problems.append("low_supply_worry")
        weight = None
        if visit.key.startswith("m") or visit.key == "d28":
            weight = (baby.birth_weight_g or 3000) + 25 * (visit.due_date - baby.birth_date).days
        visit_record(
            visit=visit,
            recorded_by=user,
            done_on=visit.due_date + timedelta(days=rng.randint(-1, 2)),
            mode=MODES.get(visit.key, rng.choice(["posyandu", "posyandu", "home", "phone"])),
            recall_answers=_answers(status, rng),
            problems=problems,
            massage_done=massage,
            massage_by=("husband" if husband and rng.random() < 0.8 else "family")
            if massage
            else "",
            weight_g=weight,
            referral_made="mastitis_signs" in problems,
            refresh_snapshot=False,
        )
        recorded += 1
    return recorded


def _mawar_baby(baby: Baby, age: int, user: User, today: date) -> int:
    """Move a Mawar baby to be ``age`` days old today and record its first visits."""
    birth = today - timedelta(days=age)
    if baby.birth_date != birth or not baby.visits.exists():
        recall_ids = list(baby.visits.exclude(recall=None).values_list("recall_id", flat=True))
        baby.visits.all().delete()
        Response.objects.filter(pk__in=recall_ids).delete()
        baby.birth_date = birth
        baby.full_clean()
        baby.save()
        mother = baby.mother
        mother.delivery_date = birth
        mother.save(update_fields=["delivery_date"])
        visits_schedule(baby=baby, since=birth)
    else:
        return 0
    rng = random.Random(f"demo-mawar-{baby.mother.identifier}")
    visits = {v.key: v for v in baby.visits.all()}
    done = 0
    for key, status, problems in (
        ("d1_3", "exclusive", ["sore_nipples"]),
        ("d7", "predominant", ["engorgement"]),
    ):
        visit: Visit = visits[key]
        if visit.due_date >= today - timedelta(days=1):
            continue
        answers = _answers(status, rng)
        if status == "predominant":
            answers.update({"honey_sugar_water": "yes"})
        visit_record(
            visit=visit,
            recorded_by=user,
            done_on=visit.due_date,
            mode="home",
            recall_answers=answers,
            problems=problems,
            massage_done=True,
            massage_by="husband",
            refresh_snapshot=False,
        )
        done += 1
    return done


def demo_followups(*, kader: User, kader_mawar: User) -> dict[str, int]:
    """Load the demo's follow-up data (idempotent for Melati; Mawar follows today's date)."""
    today = timezone.localdate()
    counts = {"visits": 0}
    melati = Facility.objects.get(name="Posyandu Melati")
    mawar = Facility.objects.get(name="Posyandu Mawar")
    babies = Baby.objects.filter(mother__facility=melati).select_related("mother")
    for index, baby in enumerate(babies.order_by("mother__identifier")):
        if baby.visits.exclude(done_on=None).exists():
            continue
        visits_schedule(baby=baby, since=baby.birth_date)
        counts["visits"] += _history(baby, index, kader)
    mawar_babies = Baby.objects.filter(mother__facility=mawar).select_related("mother")
    for baby, age in zip(mawar_babies.order_by("mother__identifier"), MAWAR_AGES, strict=False):
        counts["visits"] += _mawar_baby(baby, age, kader_mawar, today)
    snapshot_refresh(facility_ids=[melati.pk, mawar.pk], today=today)
    return counts
