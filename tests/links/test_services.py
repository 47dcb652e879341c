"""Answer links: made once per mother with consent, one submission each, scored by the one
scoring module, refused when closed, reopened with a log entry."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from laktasi.instruments.models import Response, Source
from laktasi.links.models import AnswerLink, LinkEvent
from laktasi.links.services import (
    LinkClosed,
    answer_link_reopen,
    answer_link_submit,
    default_expiry,
)
from laktasi.links.tokens import TOKEN_LENGTH, token_for
from laktasi.mothers.models import ConsentAction
from laktasi.mothers.services import consent_record
from laktasi.privacy.services import mother_restrict
from tests.links.helpers import issue, knowledge_answers, make_session

pytestmark = pytest.mark.django_db


def withdraw(mother):
    consent_record(
        mother=mother, recorded_by=None, text_version="1", action=ConsentAction.WITHDRAWN
    )


@pytest.fixture
def session(world):
    return make_session(world.program)


def test_one_link_per_mother_and_a_second_issue_makes_none(world, session):
    first = issue(session, world.users["bidan"])
    again = issue(session, world.users["bidan"])
    assert first.created == 1
    assert again.created == 0
    assert [link.pk for link in again.links] == [link.pk for link in first.links]
    assert AnswerLink.objects.count() == 1


def test_observers_checklists_are_never_self_filled(world, session):
    with pytest.raises(ValidationError):
        issue(session, world.users["bidan"], instrument_id="oxytocin_massage_checklist")
    assert not AnswerLink.objects.exists()


def test_token_has_at_least_128_bits_and_is_stored_only_as_a_hash(world, session):
    link = issue(session, world.users["bidan"]).links[0]
    token = token_for(link.salt)
    assert len(token) == TOKEN_LENGTH
    assert TOKEN_LENGTH * 6 >= 128
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM links_answerlink")
        row = cursor.fetchone()
    assert token not in " ".join(str(value) for value in row)


def test_mother_without_consent_gets_no_link(world, session):
    mother = world.mothers["melati"]
    withdraw(mother)
    result = issue(session, world.users["bidan"])
    assert result.created == 0
    assert result.skipped_no_consent == 1


def test_restricted_mother_gets_no_link(world, session):
    mother_restrict(mother=world.mothers["melati"], by=world.users["admin"])
    assert issue(session, world.users["bidan"]).skipped_no_consent == 1


def test_answers_are_scored_by_the_scoring_module_and_marked_self_filled(world, session):
    link = issue(session, world.users["bidan"]).links[0]
    response = answer_link_submit(
        link=link, answers=knowledge_answers(20), submission_uuid=str(uuid.uuid4())
    )
    assert response.source == Source.SELF
    assert response.score_pct == pytest.approx(80.0)
    assert response.category == "baik"
    assert response.session == session
    assert response.program == world.program
    assert response.collected_by is None


def test_a_second_submission_is_refused_and_a_replay_returns_the_first(world, session):
    link = issue(session, world.users["bidan"]).links[0]
    token = str(uuid.uuid4())
    first = answer_link_submit(link=link, answers=knowledge_answers(20), submission_uuid=token)
    assert (
        answer_link_submit(link=link, answers=knowledge_answers(5), submission_uuid=token) == first
    )
    with pytest.raises(LinkClosed) as caught:
        answer_link_submit(
            link=link, answers=knowledge_answers(5), submission_uuid=str(uuid.uuid4())
        )
    assert caught.value.reason == "submitted"
    assert Response.objects.get().score_pct == pytest.approx(80.0)


def test_an_expired_link_takes_nothing(world, session):
    link = issue(session, world.users["bidan"]).links[0]
    AnswerLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    link.refresh_from_db()
    with pytest.raises(LinkClosed):
        answer_link_submit(
            link=link, answers=knowledge_answers(20), submission_uuid=str(uuid.uuid4())
        )
    assert not Response.objects.exists()


def test_consent_withdrawn_after_the_link_was_made_refuses_the_submission(world, session):
    link = issue(session, world.users["bidan"]).links[0]
    withdraw(link.mother)
    with pytest.raises(ValidationError):
        answer_link_submit(
            link=link, answers=knowledge_answers(20), submission_uuid=str(uuid.uuid4())
        )
    assert not Response.objects.exists()
    link.refresh_from_db()
    assert link.submitted_at is None


def test_reopen_lets_her_send_again_keeps_history_and_is_logged(world, session):
    link = issue(session, world.users["bidan"]).links[0]
    answer_link_submit(link=link, answers=knowledge_answers(10), submission_uuid=str(uuid.uuid4()))
    answer_link_reopen(link=link, by=world.users["bidan"])
    response = answer_link_submit(
        link=link, answers=knowledge_answers(22), submission_uuid=str(uuid.uuid4())
    )
    assert Response.objects.count() == 1
    assert response.score_pct == pytest.approx(88.0)
    assert response.history.count() == 2
    event = LinkEvent.objects.get(action=LinkEvent.Action.REOPENED)
    assert event.by == world.users["bidan"]
    assert event.link == link


def test_a_mother_keeps_one_short_code_for_pre_and_post(world, session):
    pre = issue(session, world.users["bidan"], timepoint="pre").links[0]
    post = issue(session, world.users["bidan"], timepoint="post").links[0]
    assert pre.short_code == post.short_code
    assert pre.pk != post.pk


def test_links_expire_at_the_end_of_the_session_day_plus_seven_days(world, settings):
    settings.LAKTASI_LINK_DAYS = 7
    session = make_session(world.program, datetime(2025, 1, 25, 9, 0))
    expiry = timezone.localtime(default_expiry(session))
    assert expiry.date() == datetime(2025, 2, 1).date()
    assert (expiry.hour, expiry.minute) == (23, 59)


def test_mother_who_already_has_the_form_gets_no_link(world, session):
    first = issue(session, world.users["bidan"]).links[0]
    answer_link_submit(link=first, answers=knowledge_answers(20), submission_uuid=str(uuid.uuid4()))
    later = make_session(
        world.program, timezone.localtime().replace(tzinfo=None) + timedelta(days=1)
    )
    assert issue(later, world.users["bidan"]).skipped_answered == 1
