"""Recording visits, the cadre's task list, alerts and the WhatsApp link."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from laktasi.followups.messages import message_for, whatsapp_link
from laktasi.followups.models import IndicatorSnapshot
from laktasi.followups.selectors import task_list
from laktasi.instruments.services import response_record
from laktasi.privacy.models import AccessAction, AccessLogEntry
from tests.conftest import PASSWORD
from tests.followups.helpers import new_baby, record, scheduled


@pytest.fixture
def today():
    return timezone.localdate()


def test_recording_a_visit_stores_the_recall_and_closes_the_task(world, today):
    baby = new_baby(world.mothers["melati"], age_days=8)
    visits = scheduled(baby)
    visit = record(visits["d7"], status="mixed_milk", on=today, user=world.users["kader"])
    assert visit.feeding_status == "mixed_milk"
    # her second baby (the world fixture registered one in 2025): 100 + visit number 2
    assert visit.recall.timepoint == "followup"
    assert visit.recall.followup_number == 102
    assert visit.recall.answers["child_age_months"] == 0
    assert (visit.age_days, visit.age_months) == (8, 0)
    tasks = task_list(user=world.users["kader"], today=today)
    open_keys = [t.visit.key for t in tasks.due_today + tasks.overdue]
    assert "d7" not in open_keys
    assert IndicatorSnapshot.objects.filter(metric="feeding", status="mixed_milk").exists()
    with pytest.raises(ValidationError):
        record(visit, on=today)


def test_visit_in_the_future_is_refused(world, today):
    visits = scheduled(new_baby(world.mothers["melati"], age_days=1))
    with pytest.raises(ValidationError):
        record(visits["d7"], on=today + timedelta(days=1))


def test_task_list_groups_due_overdue_upcoming_and_missed(world, today):
    # age 7: d7 due today; d1_3 window closed -> missed; d14 opens in 4 days -> upcoming
    baby = new_baby(world.mothers["melati"], age_days=7)
    scheduled(baby)
    older = new_baby(world.mothers["melati"], age_days=16)  # d14 due 2 days ago, window open
    scheduled(older)
    tasks = task_list(user=world.users["kader"], today=today)
    states = {
        (t.visit.baby_id, t.visit.key): t.state
        for group in (tasks.due_today, tasks.overdue, tasks.upcoming, tasks.missed)
        for t in group
    }
    assert states[(baby.pk, "d7")] == "today"
    assert states[(baby.pk, "d1_3")] == "missed"
    assert states[(baby.pk, "d14")] == "upcoming"
    assert states[(older.pk, "d14")] == "overdue"


def test_cadre_sees_only_her_posyandu(world, today):
    scheduled(new_baby(world.mothers["melati"], age_days=7))
    mawar_baby = new_baby(world.mothers["mawar"], age_days=7)
    scheduled(mawar_baby)
    tasks = task_list(user=world.users["kader"], today=today)
    assert all(t.visit.baby.mother.facility == world.melati for t in tasks.due_today)
    mawar = task_list(user=world.users["kader_mawar"], today=today)
    assert [t.visit.baby_id for t in mawar.due_today] == [mawar_baby.pk]
    bidan = task_list(user=world.users["bidan"], today=today)
    assert len(bidan.due_today) == 2


def test_alerts_cover_recall_referral_smoothness_and_missed_visits(world, today):
    mother = world.mothers["melati"]
    baby = new_baby(mother, age_days=40)
    visits = scheduled(baby)
    # d1_3 and d7 missed, d14 done with honey water and mastitis signs; d28 missed
    record(visits["d14"], status="prelacteal", problems=["mastitis_signs", "baby_not_gaining"])
    response_record(
        mother=mother,
        instrument_id="milk_smoothness",
        timepoint="followup",
        followup_number=1,
        answers={
            "baby_age_days": 14,
            **dict.fromkeys(
                (
                    "m_breasts_full_then_soft",
                    "m_milk_leaks",
                    "m_letdown_sensation",
                    "m_milk_came_in",
                    "b_feeds_8_12",
                    "b_attached_sucking",
                    "b_urine_6",
                    "b_yellow_stools",
                    "b_satisfied_sleeps",
                    "b_weight_on_track",
                ),
                "no",
            ),
        },
        collected_by=None,
    )
    tasks = task_list(user=world.users["kader"], today=today)
    assert set(tasks.alerts[baby.pk]) == {
        "mastitis_signs",  # a danger sign: same day (FACTS §12, §13)
        "not_exclusive",
        "formula_or_prelacteal",
        "referral",
        "belum_lancar",
    }
    calm = new_baby(world.mothers["mawar"], age_days=40)
    calm_visits = scheduled(calm)
    record(calm_visits["d1_3"])
    tasks = task_list(user=world.users["kader_mawar"], today=today)
    assert tasks.alerts[calm.pk] == ["two_missed"]  # d14 and d28 windows closed, not done


def test_whatsapp_link_uses_international_number_and_indonesian_text(world):
    visits = scheduled(new_baby(world.mothers["melati"], age_days=5))
    link = whatsapp_link(visits["d7"])
    parsed = urlparse(link)
    assert parsed.netloc == "wa.me"
    assert parsed.path == "/6281234567890"
    text = parse_qs(parsed.query)["text"][0]
    assert text == message_for(visits["d7"])
    assert "Posyandu" not in text or "Melati" in text
    assert "Siti" not in text  # no name in the message


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_task_page_shows_tasks_with_whatsapp_button(client, world):
    visits = scheduled(new_baby(world.mothers["melati"], age_days=7))
    _login(client, world.users["kader"])
    page = client.get(reverse("followups:tasks"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Siti Melati" in html
    assert "Dewi Mawar" not in html
    # Her number is never on the page (a kader sees it masked); the button redirects.
    assert "81234567890" not in html
    button = reverse("followups:whatsapp", args=[visits["d7"].pk])
    assert f'href="{button}"' in html
    reply = client.get(button)
    assert reply.status_code == 302
    assert reply["Location"].startswith("https://wa.me/6281234567890?text=")
    assert AccessLogEntry.objects.filter(
        mother_pk=world.mothers["melati"].pk, action=AccessAction.CONTACT
    ).exists()


def test_another_posyandus_cadre_cannot_message_the_mother(client, world):
    visits = scheduled(new_baby(world.mothers["melati"], age_days=7))
    _login(client, world.users["kader_mawar"])
    assert client.get(reverse("followups:whatsapp", args=[visits["d7"].pk])).status_code == 404
    assert not AccessLogEntry.objects.filter(action=AccessAction.CONTACT).exists()


def test_viewer_has_no_task_page(client, world):
    _login(client, world.users["viewer"])
    assert client.get(reverse("followups:tasks")).status_code == 404


def test_record_form_posts_a_visit(client, world, today):
    visits = scheduled(new_baby(world.mothers["melati"], age_days=7))
    visit = visits["d7"]
    _login(client, world.users["kader"])
    url = reverse("followups:record", args=[visit.pk])
    assert client.get(url).status_code == 200
    form = client.get(url).context["form"]
    data = dict.fromkeys(form.recall_fields, "no")
    data.update(
        {
            "recall_breastfed_yesterday": "yes",
            "done_on": today.isoformat(),
            "mode": "phone",
            "problems": ["sore_nipples"],
            "massage": "yes",
            "massage_by": "husband",
            "weight_g": "3400",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.done_on == today
    assert visit.feeding_status == "exclusive"
    assert visit.massage_by == "husband"
    assert visit.problems == ["sore_nipples"]
    assert client.get(reverse("followups:baby", args=[visit.baby_id])).status_code == 200


def test_cadre_cannot_open_other_posyandu_visit(client, world):
    visits = scheduled(new_baby(world.mothers["mawar"], age_days=7))
    _login(client, world.users["kader"])
    assert client.get(reverse("followups:record", args=[visits["d7"].pk])).status_code == 404
