"""Danger signs, weight and wet nappies at a visit raise red, first-listed referral alerts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from laktasi.api.services import token_create
from laktasi.followups.models import FollowupPlan
from laktasi.followups.selectors import task_list
from tests.api.conftest import ApiClient
from tests.conftest import PASSWORD
from tests.followups.helpers import new_baby, record, scheduled


@pytest.fixture
def today():
    return timezone.localdate()


def _baby(world, *, age_days, birth_weight_g=3000, mother="melati"):
    baby = new_baby(world.mothers[mother], age_days=age_days)
    baby.birth_weight_g = birth_weight_g
    baby.save()
    return baby, scheduled(baby)


def test_infant_danger_sign_puts_the_baby_first_for_kader_and_bidan(world, today):
    baby, visits = _baby(world, age_days=8)
    record(visits["d7"], on=today, problems=["fever_or_cold", "sore_nipples"])
    for role in ("kader", "bidan"):
        tasks = task_list(user=world.users[role], today=today)
        assert tasks.urgent == [(baby, ["fever_or_cold"])]
        assert tasks.alerts[baby.pk][0] == "fever_or_cold"


def test_maternal_danger_sign_is_urgent_too(world, today):
    baby, visits = _baby(world, age_days=8)
    record(visits["d7"], on=today, problems=["harm_thoughts"])
    assert task_list(user=world.users["kader"], today=today).urgent == [(baby, ["harm_thoughts"])]


def test_other_posyandu_cadre_does_not_see_the_urgent_baby(world, today):
    _baby_, visits = _baby(world, age_days=8)
    record(visits["d7"], on=today, problems=["convulsions"])
    assert task_list(user=world.users["kader_mawar"], today=today).urgent == []


def test_few_wet_nappies_for_the_day_of_life_is_urgent_but_not_in_the_first_days(world, today):
    early, early_visits = _baby(world, age_days=2)
    record(early_visits["d1_3"], on=today, wet_nappies=3)  # day 3 of life: 3 is enough
    late, late_visits = _baby(world, age_days=7)
    record(late_visits["d7"], on=today, wet_nappies=4)  # day 8: fewer than 6
    tasks = task_list(user=world.users["kader"], today=today)
    assert tasks.urgent == [(late, ["few_wet_nappies_counted"])]
    assert early.pk not in {b.pk for b, _codes in tasks.urgent}


def test_weight_loss_uses_the_programs_thresholds(world, today):
    baby, visits = _baby(world, age_days=3)
    record(visits["d1_3"], on=today, weight_g=2760)  # 8 % loss
    tasks = task_list(user=world.users["kader"], today=today)
    assert tasks.alerts[baby.pk] == ["weight_assess"]
    assert tasks.urgent == []
    FollowupPlan.objects.create(program=world.program, weight_refer_loss_pct=Decimal("7.5"))
    tasks = task_list(user=world.users["kader"], today=today)
    assert tasks.urgent == [(baby, ["weight_refer"])]


def test_plan_refuses_an_assessment_threshold_above_the_referral_threshold(world):
    plan = FollowupPlan(program=world.program, weight_assess_loss_pct=Decimal(12))
    with pytest.raises(ValidationError):
        plan.full_clean()


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_visit_form_records_a_danger_sign_and_the_task_page_shows_it_red_at_the_top(
    client, world, today
):
    baby, visits = _baby(world, age_days=7)
    _login(client, world.users["kader"])
    url = reverse("followups:record", args=[visits["d7"].pk])
    page = client.get(url)
    assert "hari ke-8: BAK (popok basah) kurang dari 6 kali" in page.content.decode()
    form = page.context["form"]
    data = dict.fromkeys(form.recall_fields, "no")
    data.update({"recall_breastfed_yesterday": "yes", "done_on": today.isoformat(),
                 "mode": "home", "danger_baby": ["jaundice_danger"], "wet_nappies": "6"})  # fmt: skip
    response = client.post(url, data, follow=True)
    assert "bidan atau puskesmas hari ini" in response.content.decode()
    visits["d7"].refresh_from_db()
    assert visits["d7"].problems == ["jaundice_danger"]
    assert visits["d7"].wet_nappies == 6
    html = client.get(reverse("followups:tasks")).content.decode()
    urgent_at = html.index('id="urgent"')
    assert urgent_at < html.index('class="task-jump"')
    assert "Segera — hari ini ke bidan/puskesmas" in html
    assert "kuning" in html[urgent_at:].lower()
    history = client.get(reverse("followups:baby", args=[baby.pk])).content.decode()
    assert '<span class="danger-sign">bayi kuning dalam 24 jam pertama' in history


def test_api_tasks_list_urgent_babies_first(world, today):
    baby, visits = _baby(world, age_days=8)
    record(visits["d7"], on=today, problems=["not_feeding"], wet_nappies=2)
    client = ApiClient(token_create(user=world.users["bidan"], name="t")[1])
    body = client.get("/api/tasks", today=today.isoformat()).json()
    assert body["urgent"] == [
        {
            "baby": baby.pk,
            "mother": baby.mother_id,
            "level": "same_day",
            "alerts": ["not_feeding", "few_wet_nappies_counted"],
        }
    ]
    visit = client.get(f"/api/visits/{visits['d7'].pk}").json()
    assert visit["wet_nappies"] == 2
