"""Pure alert rules for follow-up: danger signs, weight against birth weight, wet nappies.

Plain Python (no Django, no queries) so the rules can be tested over every day of life and
weight. ``selectors.baby_alerts`` gathers the facts; :func:`baby_alert_codes` decides.

Health basis (``/work/shared/domain/FACTS.md``):

* Danger signs in the newborn (§11.1–§11.3, Buku KIA [S2], IMCI [S]/[S2]) and in the mother
  after birth (§12, Buku KIA [S2]): any one sign means the bidan/puskesmas **the same day**
  (§11.3, §12 [U] app rule). The app never downgrades a sign, so this list is not
  configurable.
* Weight (§11.4 [U] defaults): a loss of at least 7 % of birth weight → breastfeeding
  assessment; a loss of more than 10 %, or not back to birth weight by day 10–14 → bidan
  within a day. The thresholds are configurable per program (``FollowupPlan``).
* Wet nappies (§11.5 [U] default, after Texas WIC [S]): at least as many as the day of life up
  to day 5, then at least 6 a day. The birth date counts as day 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from fractions import Fraction

# Problem codes recorded at a visit (followups.models.Problem) that mean "today".
INFANT_DANGER_SIGNS: tuple[str, ...] = (
    "jaundice_danger",
    "fever_or_cold",
    "not_feeding",
    "very_sleepy",
    "convulsions",
    "fast_breathing",
    "few_wet_nappies",
    "vomiting_diarrhoea",
    "cord_infection",
)
MATERNAL_DANGER_SIGNS: tuple[str, ...] = (
    "mother_fever",
    "mastitis_signs",
    "heavy_bleeding",
    "headache_blurred_vision",
    "harm_thoughts",
)
DANGER_SIGNS = frozenset(INFANT_DANGER_SIGNS + MATERNAL_DANGER_SIGNS)

# Alert levels, most urgent first: the task list shows the first two in its red block.
SAME_DAY = "same_day"
WITHIN_A_DAY = "within_a_day"
ROUTINE = "routine"
URGENT_LEVELS = (SAME_DAY, WITHIN_A_DAY)

WET_NAPPIES_FROM_DAY_6 = 6
WEIGHT_ASSESS = "weight_assess"  # >= 7 % loss: breastfeeding assessment
WEIGHT_REFER = "weight_refer"  # > 10 % loss or birth weight not regained: bidan within a day
FEW_WET_NAPPIES_COUNTED = "few_wet_nappies_counted"  # the count is below the day's minimum


@dataclass(frozen=True)
class WeightRules:
    """A program's weight thresholds (FACTS §11.4 [U] defaults)."""

    assess_loss_pct: Fraction = Fraction(7)
    refer_loss_pct: Fraction = Fraction(10)
    regain_by_day: int = 14


@dataclass(frozen=True)
class VisitFacts:
    """What one visit recorded, as the rules need it (ages in whole days since birth)."""

    due_date: date
    window_end: date
    done_on: date | None = None
    feeding_status: str = ""
    problems: tuple[str, ...] = ()
    weight_g: int | None = None
    wet_nappies: int | None = None
    age_days: int | None = None
    recall_flags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class BabyFacts:
    birth_weight_g: int | None
    visits: Sequence[VisitFacts]  # scheduled visits, by due date
    smoothness: str | None = None  # the mother's latest milk_smoothness category
    referral_problems: frozenset[str] = field(default_factory=frozenset)


def day_of_life(age_days: int) -> int:
    """Day of life counting the birth date as day 1 (age 0 days → day 1)."""
    if age_days < 0:
        raise ValueError("age_days must be zero or more")
    return age_days + 1


def min_wet_nappies(age_days: int) -> int:
    """The fewest wet nappies in 24 hours that is not a flag at this age (§11.5 [U])."""
    return min(day_of_life(age_days), WET_NAPPIES_FROM_DAY_6)


def wet_nappies_low(*, age_days: int, count: int) -> bool:
    """True when ``count`` wet nappies in the last 24 hours is too few for the day of life."""
    if count < 0:
        raise ValueError("count must be zero or more")
    return count < min_wet_nappies(age_days)


def weight_loss_pct(*, birth_weight_g: int, weight_g: int) -> Fraction:
    """Loss as an exact percentage of birth weight (negative when the baby has gained)."""
    if birth_weight_g <= 0:
        raise ValueError("birth weight must be positive")
    return Fraction(birth_weight_g - weight_g, birth_weight_g) * 100


def weight_alert(
    *, birth_weight_g: int | None, weight_g: int, age_days: int, rules: WeightRules
) -> str | None:
    """``weight_refer``, ``weight_assess`` or None for one weighing (FACTS §11.4 [U]).

    With no birth weight nothing is judged: a threshold against an unknown weight would be
    a guess.
    """
    if not birth_weight_g:
        return None
    loss = weight_loss_pct(birth_weight_g=birth_weight_g, weight_g=weight_g)
    if loss > rules.refer_loss_pct:
        return WEIGHT_REFER
    if age_days >= rules.regain_by_day and weight_g < birth_weight_g:
        return WEIGHT_REFER
    if loss >= rules.assess_loss_pct:
        return WEIGHT_ASSESS
    return None


def alert_level(code: str) -> str:
    """How soon an alert needs action: same day, within a day, or at the next contact."""
    if code in DANGER_SIGNS or code == FEW_WET_NAPPIES_COUNTED:
        return SAME_DAY
    if code in (WEIGHT_REFER, "referral"):
        return WITHIN_A_DAY
    return ROUTINE


def sort_codes(codes: Iterable[str]) -> list[str]:
    """Alert codes, most urgent first, each once, otherwise in the given order."""
    unique = list(dict.fromkeys(codes))
    order = {SAME_DAY: 0, WITHIN_A_DAY: 1, ROUTINE: 2}
    return sorted(unique, key=lambda c: order[alert_level(c)])


def visit_alert_codes(
    visit: VisitFacts, *, birth_weight_g: int | None, rules: WeightRules
) -> list[str]:
    """Danger-sign and weight/nappy alerts raised by one done visit."""
    codes = [p for p in visit.problems if p in DANGER_SIGNS]
    if (
        visit.age_days is not None
        and visit.wet_nappies is not None
        and wet_nappies_low(age_days=visit.age_days, count=visit.wet_nappies)
    ):
        codes.append(FEW_WET_NAPPIES_COUNTED)
    if visit.age_days is not None and visit.weight_g is not None:
        weight = weight_alert(
            birth_weight_g=birth_weight_g,
            weight_g=visit.weight_g,
            age_days=visit.age_days,
            rules=rules,
        )
        if weight:
            codes.append(weight)
    return codes


def _latest_done(visits: Sequence[VisitFacts]) -> list[VisitFacts]:
    done = [v for v in visits if v.done_on is not None]
    # stable: same-day visits keep their order (date.min never used: all are done)
    return sorted(done, key=lambda v: v.done_on or date.min)


def _feeding_codes(done: Sequence[VisitFacts]) -> list[str]:
    """Alerts from the latest recall: not exclusive; formula, animal milk or other feeds."""
    with_recall = [v for v in done if v.feeding_status]
    if not with_recall:
        return []
    last = with_recall[-1]
    codes = [] if last.feeding_status == "exclusive" else ["not_exclusive"]
    if last.recall_flags & {"formula_or_animal_milk", "prelacteal_like"}:
        codes.append("formula_or_prelacteal")
    return codes


def baby_alert_codes(facts: BabyFacts, *, today: date, rules: WeightRules) -> list[str]:
    """Every alert for one baby, most urgent first.

    Danger signs, nappies and referral problems come from the latest done visit (a later
    visit without them clears them); weight from the latest weighed visit; feeding from the
    latest visit with a recall; ``two_missed`` when the last two closed windows were missed.
    """
    done = _latest_done(facts.visits)
    codes: list[str] = []
    if done:
        last = done[-1]
        codes += visit_alert_codes(
            replace(last, weight_g=None),  # weight is judged on the latest weighing below
            birth_weight_g=facts.birth_weight_g,
            rules=rules,
        )
        if (set(last.problems) & facts.referral_problems) - DANGER_SIGNS:
            codes.append("referral")
    weighed = [
        (v.weight_g, v.age_days) for v in done if v.weight_g is not None and v.age_days is not None
    ]
    if weighed:
        weight_g, age_days = weighed[-1]
        alert = weight_alert(
            birth_weight_g=facts.birth_weight_g, weight_g=weight_g, age_days=age_days,
            rules=rules,
        )  # fmt: skip
        if alert:
            codes.append(alert)
    codes += _feeding_codes(done)
    if facts.smoothness == "belum_lancar":
        codes.append("belum_lancar")
    closed = [v for v in facts.visits if v.window_end < today]
    if len(closed) >= 2 and all(v.done_on is None for v in closed[-2:]):
        codes.append("two_missed")
    return sort_codes(codes)
