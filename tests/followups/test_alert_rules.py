"""The pure alert rules: wet nappies by day of life, weight against birth weight, danger signs."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from laktasi.followups.models import Problem
from laktasi.followups.rules import (
    DANGER_SIGNS,
    FEW_WET_NAPPIES_COUNTED,
    SAME_DAY,
    WEIGHT_ASSESS,
    WEIGHT_REFER,
    WITHIN_A_DAY,
    BabyFacts,
    VisitFacts,
    WeightRules,
    alert_level,
    baby_alert_codes,
    min_wet_nappies,
    weight_alert,
    wet_nappies_low,
)

DEFAULT = WeightRules()
BIRTH = date(2026, 11, 1)


# ---------------------------------------------------------------- wet nappies (FACTS §11.5)


@pytest.mark.parametrize(
    ("age_days", "minimum"),
    [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 6), (30, 6), (180, 6)],
)
def test_wet_nappy_minimum_follows_the_day_of_life_then_six(age_days, minimum):
    # the birth date is day 1 (Texas WIC: 1, 2, 3, 4, 5 on days 1-5, then 6 or more)
    assert min_wet_nappies(age_days) == minimum


def test_two_wet_nappies_on_day_two_is_fine_but_not_on_day_ten():
    assert not wet_nappies_low(age_days=1, count=2)
    assert wet_nappies_low(age_days=9, count=2)


@given(age=st.integers(0, 200), count=st.integers(0, 40))
def test_wet_nappies_low_is_exactly_below_the_minimum(age, count):
    assert wet_nappies_low(age_days=age, count=count) == (count < min(age + 1, 6))


@given(age=st.integers(0, 200), count=st.integers(0, 39))
def test_one_more_wet_nappy_never_raises_an_alert(age, count):
    if not wet_nappies_low(age_days=age, count=count):
        assert not wet_nappies_low(age_days=age, count=count + 1)


@given(age=st.integers(0, 199), count=st.integers(0, 40))
def test_an_older_baby_never_needs_fewer_nappies(age, count):
    if wet_nappies_low(age_days=age, count=count):
        assert wet_nappies_low(age_days=age + 1, count=count)


# ---------------------------------------------------------------- weight (FACTS §11.4)


@pytest.mark.parametrize(
    ("weight", "age", "expected"),
    [
        (3000, 3, None),  # no loss
        (2800, 3, None),  # 6.7 % loss
        (2790, 3, WEIGHT_ASSESS),  # exactly 7 % loss: assess
        (2700, 3, WEIGHT_ASSESS),  # exactly 10 %: still assess (refer is > 10 %)
        (2699, 3, WEIGHT_REFER),  # just over 10 %
        (2990, 13, None),  # below birth weight on day 14 of life is not yet late
        (2990, 14, WEIGHT_REFER),  # below birth weight from age 14 days: bidan within a day
        (3000, 14, None),  # back to birth weight
    ],
)
def test_weight_alert_uses_the_facts_defaults(weight, age, expected):
    assert weight_alert(birth_weight_g=3000, weight_g=weight, age_days=age, rules=DEFAULT) == (
        expected
    )


def test_no_birth_weight_means_no_weight_judgement():
    assert weight_alert(birth_weight_g=None, weight_g=2000, age_days=20, rules=DEFAULT) is None


def test_program_thresholds_change_the_alert():
    strict = WeightRules(assess_loss_pct=Fraction(5), refer_loss_pct=Fraction(8), regain_by_day=10)
    assert weight_alert(birth_weight_g=3000, weight_g=2820, age_days=3, rules=strict) == (
        WEIGHT_ASSESS
    )  # 6 %
    assert weight_alert(birth_weight_g=3000, weight_g=2750, age_days=3, rules=strict) == (
        WEIGHT_REFER
    )  # 8.3 %
    assert weight_alert(birth_weight_g=3000, weight_g=2990, age_days=10, rules=strict) == (
        WEIGHT_REFER
    )


@given(
    birth=st.integers(1500, 5000),
    weight=st.integers(500, 8000),
    age=st.integers(0, 183),
)
def test_weight_alert_matches_the_written_rule(birth, weight, age):
    loss = Fraction(birth - weight, birth) * 100
    alert = weight_alert(birth_weight_g=birth, weight_g=weight, age_days=age, rules=DEFAULT)
    if loss > 10 or (age >= 14 and weight < birth):
        assert alert == WEIGHT_REFER
    elif loss >= 7:
        assert alert == WEIGHT_ASSESS
    else:
        assert alert is None


@given(birth=st.integers(1500, 5000), weight=st.integers(500, 7999), age=st.integers(0, 183))
def test_a_heavier_baby_never_gets_a_more_urgent_weight_alert(birth, weight, age):
    rank = {None: 0, WEIGHT_ASSESS: 1, WEIGHT_REFER: 2}
    lighter = weight_alert(birth_weight_g=birth, weight_g=weight, age_days=age, rules=DEFAULT)
    heavier = weight_alert(birth_weight_g=birth, weight_g=weight + 1, age_days=age, rules=DEFAULT)
    assert rank[heavier] <= rank[lighter]


# ---------------------------------------------------------------- danger signs and levels


def test_every_danger_sign_is_a_recordable_problem_and_same_day():
    assert set(Problem.values) >= DANGER_SIGNS
    assert {alert_level(c) for c in DANGER_SIGNS} == {SAME_DAY}
    assert alert_level(FEW_WET_NAPPIES_COUNTED) == SAME_DAY
    assert alert_level(WEIGHT_REFER) == WITHIN_A_DAY


def _visit(days, **kw):
    due = BIRTH + timedelta(days=days)
    return VisitFacts(due_date=due, window_end=due + timedelta(days=2), **kw)


def test_danger_sign_at_the_latest_visit_comes_first_and_a_later_visit_clears_it():
    sick = _visit(7, done_on=BIRTH + timedelta(days=7), age_days=7, feeding_status="partial",
                  problems=("sore_nipples", "jaundice_danger"))  # fmt: skip
    facts = BabyFacts(birth_weight_g=3000, visits=[sick])
    codes = baby_alert_codes(facts, today=BIRTH + timedelta(days=8), rules=DEFAULT)
    assert codes == ["jaundice_danger", "not_exclusive"]
    well = _visit(14, done_on=BIRTH + timedelta(days=14), age_days=14, feeding_status="exclusive")
    facts = BabyFacts(birth_weight_g=3000, visits=[sick, well])
    assert baby_alert_codes(facts, today=BIRTH + timedelta(days=15), rules=DEFAULT) == []


def test_counted_nappies_and_weight_raise_alerts_from_their_own_visits():
    weighed = _visit(3, done_on=BIRTH + timedelta(days=3), age_days=3, weight_g=2650)
    counted = _visit(5, done_on=BIRTH + timedelta(days=5), age_days=5, wet_nappies=3)
    facts = BabyFacts(birth_weight_g=3000, visits=[weighed, counted])
    codes = baby_alert_codes(facts, today=BIRTH + timedelta(days=5), rules=DEFAULT)
    assert codes == [FEW_WET_NAPPIES_COUNTED, WEIGHT_REFER]


def test_mastitis_is_a_same_day_sign_not_a_routine_referral():
    visit = _visit(7, done_on=BIRTH + timedelta(days=7), age_days=7, problems=("mastitis_signs",))
    facts = BabyFacts(birth_weight_g=None, visits=[visit],
                      referral_problems=frozenset({"mastitis_signs", "baby_not_gaining"}))  # fmt: skip
    assert baby_alert_codes(facts, today=BIRTH + timedelta(days=7), rules=DEFAULT) == [
        "mastitis_signs"
    ]
