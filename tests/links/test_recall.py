"""The 24-hour recall filled in by the mother herself: bound to an open follow-up visit,
recorded as that visit's recall, and counted where a staff-recorded recall counts."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from laktasi.dashboards.indicators import all_tables
from laktasi.dashboards.selectors import dashboard_get, unit_get
from laktasi.followups.selectors import task_list
from laktasi.instruments.models import Response, Source
from laktasi.links.messages import whatsapp_text
from laktasi.links.models import AnswerLink
from laktasi.links.services import (
    LinkClosed,
    answer_link_reopen,
    answer_link_submit,
    group_link_get_or_create,
)
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
def test_mothers_self_filled_recall_closes_her_visit_and_sets_its_feeding_status(
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
    assert d7.done_on == timezone.localdate()
    assert d7.mode == "phone"
    assert d7.feeding_status == status
    assert d7.recorded_by is None
    assert d7.recall.source == Source.SELF
    assert d7.recall.timepoint == "followup"
    assert d7.recall.answers["child_age_months"] == 0
    link.refresh_from_db()
    assert link.submitted_at is not None
    assert link.response == d7.recall
    assert d7.pk not in open_keys(world)


def _ebf_totals(world):
    viewer = world.users["admin"]
    unit = unit_get(user=viewer, level="all", key="")
    tables, _survival = all_tables(dashboard_get(user=viewer, unit=unit), "en")
    total = tables["indicators"].rows[-1]
    return total[1], total[2], total[4]  # EBF n, N, mixed milk n


def test_dashboard_counts_a_self_filled_recall_like_a_staff_recorded_one(world, session, d7):
    before = _ebf_totals(world)
    link = issue_recall(session, world.users["bidan"]).links[0]
    answer_link_submit(link=link, answers=recall("exclusive"), submission_uuid=str(uuid.uuid4()))
    after_self = _ebf_totals(world)
    assert after_self == (before[0] + 1, before[1] + 1, before[2])
    # The same status recorded by a kader moves the indicator in the same way.
    other = scheduled(new_baby(world.mothers["kenanga"], age_days=8))["d7"]
    record(other, status="exclusive", on=timezone.localdate(), user=world.users["kader"])
    assert _ebf_totals(world) == (after_self[0] + 1, after_self[1] + 1, after_self[2])


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


def test_recall_is_recorded_once_even_when_sent_twice(world, session, d7):
    link = issue_recall(session, world.users["bidan"]).links[0]
    token = str(uuid.uuid4())
    first = answer_link_submit(link=link, answers=recall("exclusive"), submission_uuid=token)
    replay = answer_link_submit(link=link, answers=recall("exclusive"), submission_uuid=token)
    assert replay.pk == first.pk
    with pytest.raises(LinkClosed):
        answer_link_submit(
            link=link, answers=recall("mixed_milk"), submission_uuid=str(uuid.uuid4())
        )
    with pytest.raises(ValidationError):
        answer_link_reopen(link=link, by=world.users["bidan"])
    with pytest.raises(ValidationError):
        record(d7, status="mixed_milk", on=timezone.localdate())
    d7.refresh_from_db()
    assert d7.feeding_status == "exclusive"
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
