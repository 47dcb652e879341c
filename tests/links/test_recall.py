"""The 24-hour recall filled in by the mother herself: bound to an open follow-up visit and
attached to it. The visit stays on the cadre's task list; her record form is filled in from
the mother's answers, the danger-sign check is still hers, and the dashboard counts the visit
once, when the cadre records it."""

from __future__ import annotations

import csv
import io
import re
import uuid

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from laktasi.dashboards.indicators import all_tables
from laktasi.dashboards.selectors import dashboard_get, unit_get
from laktasi.followups.models import Visit
from laktasi.followups.selectors import task_list
from laktasi.followups.services import snapshot_refresh, visit_recall_attach
from laktasi.instruments.models import Response, Source
from laktasi.links.messages import whatsapp_text
from laktasi.links.models import AnswerLink
from laktasi.links.services import (
    LinkClosed,
    answer_link_reopen,
    answer_link_submit,
    group_link_get_or_create,
)
from laktasi.materials import content
from tests.conftest import PASSWORD
from tests.followups.helpers import new_baby, recall, record, scheduled
from tests.links.helpers import issue, make_session, url_of
from tests.links.test_services import withdraw

pytestmark = pytest.mark.django_db
RECALL = "feeding_recall_24h"


@pytest.fixture
def session(world):
    return make_session(world.program)


@pytest.fixture
def d7(world):
    """Melati's new baby, 8 days old: the day-7 visit is due now."""
    baby = new_baby(world.mothers["melati"], age_days=8)
    return scheduled(baby)["d7"]


def issue_recall(session, user):
    return issue(session, user, instrument_id=RECALL, timepoint="followup")


def payload(status: str) -> dict[str, str]:
    return {f"q_{k}": v for k, v in recall(status).items()}


def open_keys(world):
    tasks = task_list(user=world.users["kader"])
    return {t.visit.pk for t in tasks.due_today + tasks.overdue}


@pytest.mark.parametrize("status", ["exclusive", "mixed_milk"])
def test_self_filled_recall_is_attached_and_the_visit_stays_on_the_task_list(
    client, world, session, d7, status
):
    result = issue_recall(session, world.users["bidan"])
    assert result.created == 1
    link = result.links[0]
    assert link.visit == d7
    assert d7.pk in open_keys(world)
    page = client.get(url_of(link))
    assert page.status_code == 200
    # The age is taken from the birth date, never asked of her.
    assert "q_child_age_months" not in page.content.decode()
    sent = client.post(url_of(link), payload(status))
    assert sent.status_code == 302
    d7.refresh_from_db()
    # Attached, not recorded: the contact (danger signs, weight...) is still to be made.
    assert d7.done_on is None
    assert d7.mode == ""
    assert d7.feeding_status == ""
    assert d7.recorded_by is None
    assert d7.recall.source == Source.SELF
    assert d7.recall.category == status
    assert d7.recall.timepoint == "followup"
    assert d7.recall.answers["child_age_months"] == 0
    link.refresh_from_db()
    assert link.submitted_at is not None
    assert link.response == d7.recall
    assert d7.pk in open_keys(world)
    assert client.login(username="kader", password=PASSWORD)
    tasks = client.get(reverse("followups:tasks")).content.decode()
    card = tasks[tasks.index(f'data-visit="{d7.pk}"') :]
    card = card[: card.index("</li>")]
    assert "recall diisi ibu" in card
    assert reverse("followups:record", args=[d7.pk]) in card
    history = client.get(reverse("followups:baby", args=[d7.baby_id])).content.decode()
    assert "recall diisi ibu" in history


def _send(link, status="exclusive"):
    return answer_link_submit(link=link, answers=recall(status), submission_uuid=str(uuid.uuid4()))


def _form_data(page, **extra) -> dict:
    """What the browser posts back: the form's initial values (her recall) plus ``extra``."""
    form = page.context["form"]
    data = {name: form.initial[name] for name in form.recall_fields if name in form.initial}
    data.update({"done_on": timezone.localdate().isoformat(), "mode": "home", **extra})
    return data


def test_cadres_record_form_is_prefilled_from_the_mothers_recall(client, world, session, d7):
    link = issue_recall(session, world.users["bidan"]).links[0]
    _send(link, "mixed_milk")
    assert client.login(username="kader", password=PASSWORD)
    page = client.get(reverse("followups:record", args=[d7.pk]))
    assert page.status_code == 200
    form = page.context["form"]
    assert {n: form.initial.get(n) for n in form.recall_fields} == {
        f"recall_{k}": v for k, v in recall("mixed_milk").items()
    }
    html = page.content.decode()
    assert 'id="self-recall"' in html
    assert "diisi sendiri oleh ibu" in html
    checked = re.findall(
        r'<input type="radio" name="recall_infant_formula" value="(\w+)"[^>]*checked', html
    )
    assert checked == ["yes"]
    # The danger-sign check is on the form, and its confirmation is required.
    assert 'name="danger_baby"' in html
    assert 'name="danger_checked"' in html


def test_danger_sign_check_is_still_required_after_a_self_filled_recall(client, world, session, d7):
    link = issue_recall(session, world.users["bidan"]).links[0]
    mothers = _send(link, "exclusive")
    assert client.login(username="kader", password=PASSWORD)
    url = reverse("followups:record", args=[d7.pk])
    refused = client.post(url, _form_data(client.get(url)))
    assert refused.status_code == 200
    assert "Periksa tanda bahaya bersama ibu" in refused.content.decode()
    d7.refresh_from_db()
    assert d7.done_on is None
    assert d7.pk in open_keys(world)
    done = client.post(
        url, _form_data(client.get(url), danger_checked="on", danger_baby=["fever_or_cold"])
    )
    assert done.status_code == 302
    d7.refresh_from_db()
    assert d7.done_on == timezone.localdate()
    assert d7.problems == ["fever_or_cold"]
    assert d7.recorded_by == world.users["kader"]
    # Her answers were confirmed unchanged: the recall stays hers.
    assert d7.recall == mothers
    assert d7.recall.source == Source.SELF
    assert d7.feeding_status == "exclusive"
    assert d7.pk not in open_keys(world)


def test_a_visit_without_a_self_filled_recall_needs_no_confirmation(client, world, d7):
    assert client.login(username="kader", password=PASSWORD)
    url = reverse("followups:record", args=[d7.pk])
    page = client.get(url)
    assert "danger_checked" not in page.context["form"].fields
    data = _form_data(page, **{f"recall_{k}": v for k, v in recall("exclusive").items()})
    assert client.post(url, data).status_code == 302


def _ebf_totals(world):
    viewer = world.users["admin"]
    unit = unit_get(user=viewer, level="all", key="")
    tables, _survival = all_tables(dashboard_get(user=viewer, unit=unit), "en")
    total = tables["indicators"].rows[-1]
    return total[1], total[2], total[4]  # EBF n, N, mixed milk n


@pytest.mark.parametrize(
    ("cadre_status", "moves"),
    [("exclusive", (1, 1, 0)), ("mixed_milk", (0, 1, 1)), (None, (1, 1, 0))],
    ids=["cadre-confirms", "cadre-corrects", "no-answers-from-cadre"],
)
def test_dashboard_counts_a_self_filled_recall_once_when_the_visit_is_recorded(
    world, session, d7, cadre_status, moves
):
    before = _ebf_totals(world)
    _send(issue_recall(session, world.users["bidan"]).links[0], "exclusive")
    snapshot_refresh()  # a refresh now must not count the still open visit
    assert _ebf_totals(world) == before
    record(d7, status=cadre_status, on=timezone.localdate(), user=world.users["kader"])
    after = _ebf_totals(world)
    assert tuple(a - b for a, b in zip(after, before, strict=True)) == moves
    snapshot_refresh()
    assert _ebf_totals(world) == after
    assert Response.objects.filter(instrument_id=RECALL).count() == 1


def test_cadres_different_answers_win_and_the_mothers_stay_in_history(world, session, d7):
    mothers = _send(issue_recall(session, world.users["bidan"]).links[0], "exclusive")
    record(d7, status="mixed_milk", on=timezone.localdate(), user=world.users["kader"])
    d7.refresh_from_db()
    assert d7.feeding_status == "mixed_milk"
    assert d7.recall.pk == mothers.pk
    assert d7.recall.answers["infant_formula"] == "yes"
    assert d7.recall.source == Source.WEB
    assert d7.recall.collected_by == world.users["kader"]
    versions = list(d7.recall.history.order_by("history_date", "history_id"))
    assert [(v.source, v.answers["infant_formula"]) for v in versions] == [
        ("self", "no"),
        ("web", "yes"),
    ]


def test_cadre_who_opened_the_form_before_the_mother_sent_does_not_lose_her_recall(
    world, session, d7
):
    stale = Visit.objects.get(pk=d7.pk)  # the kader's page was read before the mother sent
    mothers = _send(issue_recall(session, world.users["bidan"]).links[0], "exclusive")
    assert stale.recall_id is None
    record(stale, status="mixed_milk", on=timezone.localdate(), user=world.users["kader"])
    d7.refresh_from_db()
    assert d7.recall_id == mothers.pk
    assert d7.feeding_status == "mixed_milk"
    assert d7.recall.history.filter(source="self").exists()
    assert Response.objects.filter(instrument_id=RECALL).count() == 1


def test_visit_recorded_by_the_cadre_meanwhile_refuses_the_link(client, world, session, d7):
    link = issue_recall(session, world.users["bidan"]).links[0]
    record(d7, status="mixed_milk", on=timezone.localdate(), user=world.users["kader"])
    staff_recall = d7.recall
    page = client.get(url_of(link))
    assert page.status_code == 200
    assert 'data-reason="recorded"' in page.content.decode()
    assert "sudah mencatat kunjungan ini" in page.content.decode()
    with pytest.raises(LinkClosed) as closed:
        answer_link_submit(
            link=link, answers=recall("exclusive"), submission_uuid=str(uuid.uuid4())
        )
    assert closed.value.reason == "recorded"
    d7.refresh_from_db()
    assert (d7.recall, d7.feeding_status, d7.mode) == (staff_recall, "mixed_milk", "home")
    assert Response.objects.filter(instrument_id=RECALL).count() == 1


def test_done_visit_gets_no_recall_link(world, session, d7):
    record(d7, status="exclusive", on=timezone.localdate())
    result = issue_recall(session, world.users["bidan"])
    assert (result.created, result.skipped_no_visit) == (0, 1)
    assert not AnswerLink.objects.exists()


def test_withdrawn_consent_refuses_the_recall_link(client, world, session, d7):
    link = issue_recall(session, world.users["bidan"]).links[0]
    withdraw(world.mothers["melati"])
    assert client.get(url_of(link)).status_code == 403
    with pytest.raises(ValidationError):
        answer_link_submit(
            link=link, answers=recall("exclusive"), submission_uuid=str(uuid.uuid4())
        )
    d7.refresh_from_db()
    assert d7.done_on is None
    assert d7.recall is None
    again = issue_recall(make_session(world.program), world.users["bidan"])
    assert (again.created, again.skipped_no_consent) == (0, 1)


def test_recall_is_attached_once_even_when_sent_twice(world, session, d7):
    link = issue_recall(session, world.users["bidan"]).links[0]
    token = str(uuid.uuid4())
    first = answer_link_submit(link=link, answers=recall("exclusive"), submission_uuid=token)
    replay = answer_link_submit(link=link, answers=recall("exclusive"), submission_uuid=token)
    assert replay.pk == first.pk
    with pytest.raises(LinkClosed):
        _send(link, "mixed_milk")
    with pytest.raises(ValidationError):
        answer_link_reopen(link=link, by=world.users["bidan"])
    # A second recall for the same visit through the service is refused too.
    with pytest.raises(ValidationError):
        visit_recall_attach(visit=d7, answers=recall("mixed_milk"))
    d7.refresh_from_db()
    assert d7.recall == first
    assert d7.recall.category == "exclusive"
    assert Response.objects.filter(instrument_id=RECALL).count() == 1


def test_one_link_per_visit_and_twins_get_one_each(world, session, d7):
    twin = scheduled(new_baby(world.mothers["melati"], age_days=8))["d7"]
    first = issue_recall(session, world.users["bidan"])
    again = issue_recall(session, world.users["bidan"])
    assert first.created == 2
    assert again.created == 0
    assert {link.visit_id for link in first.links} == {d7.pk, twin.pk}
    assert len({link.short_code for link in first.links}) == 1  # one card per mother


def test_recall_goes_only_with_a_follow_up_contact_and_has_no_group_mode(world, session, d7):
    with pytest.raises(ValidationError):
        issue(session, world.users["bidan"], instrument_id=RECALL, timepoint="pre")
    with pytest.raises(ValidationError):
        issue(session, world.users["bidan"], instrument_id="knowledge_test", timepoint="followup")
    with pytest.raises(ValidationError):
        group_link_get_or_create(session=session, instrument_id=RECALL, timepoint="followup")


def test_whatsapp_text_for_the_recall_is_about_yesterdays_feeding():
    text = whatsapp_text(instrument_id=RECALL, timepoint="followup", url="https://x.test/isi/a/")
    assert "KEMARIN" in text
    assert "makan dan minum bayi" in text
    assert "https://x.test/isi/a/" in text


def test_staff_page_makes_recall_links_and_shows_their_status(client, world, session, d7):
    client.login(username="bidan", password=PASSWORD)
    query = f"?instrument={RECALL}&timepoint=followup"
    made = client.post(
        f"/tautan/sesi/{session.pk}/buat/", {"instrument": RECALL, "timepoint": "followup"}
    )
    assert made.status_code == 302
    link = AnswerLink.objects.get()
    row = f'id="link-row-{world.mothers["melati"].pk}-{d7.pk}" data-state="new"'
    page = client.get(f"/tautan/sesi/{session.pk}/{query}").content.decode()
    assert row in page
    assert 'id="group-link"' not in page
    answer_link_submit(link=link, answers=recall("exclusive"), submission_uuid=str(uuid.uuid4()))
    page = client.get(f"/tautan/sesi/{session.pk}/{query}").content.decode()
    assert row.replace('"new"', '"submitted"') in page
    assert f"/tautan/{link.pk}/buka-lagi/" not in page  # a sent recall is not reopened
    assert "visit-open" in page  # sent, but the cadre still has to record the visit
    record(d7, status="exclusive", on=timezone.localdate(), user=world.users["kader"])
    page = client.get(f"/tautan/sesi/{session.pk}/{query}").content.decode()
    assert row.replace('"new"', '"submitted"') in page
    assert "visit-open" not in page


def _danger_texts(lang: str) -> list[str]:
    blocks = content.topic("danger_signs", lang=lang)["blocks"]
    items = blocks["urgent_baby"]["items"] + blocks["urgent_mother"]["items"]
    return [escape(t) for t in (blocks["urgent"]["text"], blocks["immediately"]["text"])] + [
        escape(item["text"]) for item in items
    ]


def test_mothers_recall_pages_show_the_danger_signs_in_her_language(client, world, session, d7):
    link = issue_recall(session, world.users["bidan"]).links[0]
    page = client.get(url_of(link)).content.decode()
    assert 'id="tanda-bahaya"' in page
    assert (
        "Jika bayi Ibu mengalami salah satu tanda ini, segera ke bidan/puskesmas hari ini." in page
    )
    assert all(text in page for text in _danger_texts("id"))
    sent = client.post(url_of(link), payload("exclusive"))
    thanks = client.get(sent["Location"]).content.decode()
    assert 'id="thanks"' in thanks
    assert 'id="tanda-bahaya"' in thanks
    assert all(text in thanks for text in _danger_texts("id"))
    assert "tetap akan menghubungi Ibu" in thanks
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(sent["Location"]).content.decode()
    assert (
        "If your baby has any one of these signs, go to the midwife or puskesmas today." in english
    )
    assert all(text in english for text in _danger_texts("en"))


def test_pre_and_post_test_pages_have_no_danger_sign_block(client, world, session):
    link = issue(session, world.users["bidan"]).links[0]
    page = client.get(url_of(link)).content.decode()
    assert page.count("<fieldset") > 1
    assert 'id="tanda-bahaya"' not in page


def test_links_command_makes_recall_links_for_open_visits(world, session, d7, tmp_path, settings):
    settings.LAKTASI_BASE_URL = "https://laktasi.example.org"
    out = tmp_path / "recall.csv"
    call_command("links", str(session.pk), "--instrument", RECALL, "--timepoint", "followup",
                 "-o", str(out))  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [(r["identifier"], r["timepoint"]) for r in rows] == [
        (world.mothers["melati"].identifier, "followup")
    ]
    assert AnswerLink.objects.get().visit == d7
    with pytest.raises(CommandError):
        call_command("links", str(session.pk), "--instrument", RECALL, "--timepoint", "pre",
                     "-o", str(tmp_path / "x.csv"))  # fmt: skip
