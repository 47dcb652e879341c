"""The mother's page and the staff pages of answer links, through the Django test client."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone

from laktasi.instruments.models import Response, Source
from laktasi.links import throttle
from laktasi.links.models import AnswerLink, LinkEvent, LinkSettings
from laktasi.links.services import answer_link_submit
from laktasi.privacy.models import AccessAction, AccessLogEntry
from tests.links.helpers import form_payload, issue, knowledge_answers, make_session, url_of
from tests.web.helpers import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def session(world):
    return make_session(world.program)


@pytest.fixture
def link(world, session):
    return issue(session, world.users["bidan"]).links[0]


def mother_strings(mother) -> list[str]:
    return [mother.full_name, *mother.full_name.split(), mother.nik or "", mother.phone or ""]


def test_mother_page_opens_without_login_and_reveals_nothing_about_her(world, link):
    page = Client().get(url_of(link))
    assert page.status_code == 200
    html = page.content.decode()
    for value in filter(None, mother_strings(world.mothers["melati"])):
        assert value not in html
    assert 'name="q_' in html
    link.refresh_from_db()
    assert link.opened_at is not None


def test_initial_greeting_only_when_the_program_allows_it(world, link):
    LinkSettings.objects.create(program=world.program, greeting="initial")
    html = Client().get(url_of(link)).content.decode()
    assert "Ibu S." in html
    assert "Siti" not in html
    assert "Melati" not in html


def test_mother_page_makes_no_external_requests_and_weighs_under_100_kb(link):
    html = Client().get(url_of(link)).content.decode()
    refs = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert all(not ref.startswith(("http:", "https:", "//")) for ref in refs), refs
    total = len(html.encode())
    for ref in refs:
        if ref.startswith("/static/"):
            total += Path(finders.find(ref.removeprefix("/static/"))).stat().st_size
    print(f"mother's page: {total} bytes (HTML + CSS + JS, uncompressed)")  # noqa: T201
    assert total < 100_000


def test_sending_stores_a_self_filled_response_and_shows_thanks(world, link):
    client = Client()
    reply = client.post(url_of(link), form_payload(20, str(uuid.uuid4())))
    assert reply.status_code == 302
    assert reply["Location"].endswith("/selesai/")
    response = Response.objects.get()
    assert response.source == Source.SELF
    assert response.score_pct == pytest.approx(80.0)
    thanks = client.get(reply["Location"]).content.decode()
    assert 'id="thanks"' in thanks
    assert "80 %" not in thanks  # the program did not choose to show scores


def test_second_opening_says_already_sent(world, link):
    Client().post(url_of(link), form_payload(20, str(uuid.uuid4())))
    again = Client().get(url_of(link))
    assert again.status_code == 200
    assert 'data-reason="submitted"' in again.content.decode()
    assert 'name="q_' not in again.content.decode()


def test_resend_after_a_lost_connection_lands_on_thanks_not_twice(world, link):
    token = str(uuid.uuid4())
    Client().post(url_of(link), form_payload(20, token))
    replay = Client().post(url_of(link), form_payload(20, token))
    assert replay.status_code == 302
    assert replay["Location"].endswith("/selesai/")
    assert Response.objects.count() == 1


def test_incomplete_answers_are_refused_with_the_items_marked(world, link):
    data = form_payload(20, str(uuid.uuid4()))
    data.pop("q_k01", None)
    first_key = next(iter(knowledge_answers(1)))
    data.pop(f"q_{first_key}", None)
    page = Client().post(url_of(link), data)
    assert page.status_code == 200
    assert "has-error" in page.content.decode()
    assert not Response.objects.exists()


def test_score_and_correct_answers_only_as_the_program_chooses(world, session):
    LinkSettings.objects.create(
        program=world.program, show_score=True, show_answers_after_post=True
    )
    pre = issue(session, world.users["bidan"], timepoint="pre").links[0]
    post = issue(session, world.users["bidan"], timepoint="post").links[0]
    client = Client()
    pre_thanks = client.get(
        client.post(url_of(pre), form_payload(20, str(uuid.uuid4())))["Location"]
    )
    assert "80 %" in pre_thanks.content.decode()
    assert "key-list" not in pre_thanks.content.decode()  # no answers after the pre-test
    post_thanks = client.get(
        client.post(url_of(post), form_payload(25, str(uuid.uuid4())))["Location"]
    )
    assert "key-list" in post_thanks.content.decode()


def test_forged_token_is_refused_without_revealing_anything(world, link):
    page = Client().get("/isi/" + "A" * 32 + "/")
    assert page.status_code == 404
    assert 'data-reason="unknown"' in page.content.decode()
    assert Client().get("/isi/short/").status_code == 404


def test_guessing_tokens_is_rate_limited_per_address(world, link):
    client = Client()
    for n in range(throttle.FAILURES_PER_WINDOW):
        assert client.get(f"/isi/{'B' * 31}{n % 10}/").status_code == 404
    assert client.get(url_of(link)).status_code == 429


def test_expired_link_is_refused(world, link):
    AnswerLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    page = Client().get(url_of(link))
    assert page.status_code == 410
    assert 'name="q_' not in page.content.decode()


def test_post_without_csrf_token_is_refused(world, link):
    client = Client(enforce_csrf_checks=True)
    assert client.post(url_of(link), form_payload(20, str(uuid.uuid4()))).status_code == 403
    assert not Response.objects.exists()


def test_restricted_mother_link_is_refused_at_opening_and_sending(world, link):
    from laktasi.privacy.services import mother_restrict

    client = Client()
    assert client.get(url_of(link)).status_code == 200
    mother_restrict(mother=link.mother, by=world.users["admin"])
    assert client.post(url_of(link), form_payload(20, str(uuid.uuid4()))).status_code == 403
    assert not Response.objects.exists()


def test_staff_page_makes_links_and_shows_who_has_sent(world, session):
    client = client_for(world.users["bidan"])
    url = f"/tautan/sesi/{session.pk}/"
    made = client.post(f"{url}buat/", {"instrument": "knowledge_test", "timepoint": "pre"})
    assert made.status_code == 302
    link = AnswerLink.objects.get()
    answer_link_submit(link=link, answers=knowledge_answers(20), submission_uuid=str(uuid.uuid4()))
    fragment = client.get(
        f"{url}?instrument=knowledge_test&timepoint=pre", headers={"HX-Request": "true"}
    ).content.decode()
    assert fragment.lstrip().startswith('<section id="link-status"')
    assert f'id="link-row-{link.mother_id}" data-state="submitted"' in fragment
    assert "1 of 1 sent" in fragment


def test_whatsapp_share_carries_her_link_and_no_name_and_her_number_stays_off_the_page(
    world, session
):
    client = client_for(world.users["kader"])
    client.post(
        f"/tautan/sesi/{session.pk}/buat/", {"instrument": "knowledge_test", "timepoint": "pre"}
    )
    link = AnswerLink.objects.get()
    html = client.get(
        f"/tautan/sesi/{session.pk}/?instrument=knowledge_test&timepoint=pre"
    ).content.decode()
    assert "81234567890" not in html  # a kader sees phone numbers masked (accounts/policy.py)
    button = re.search(r'href="(/tautan/\d+/wa/)"', html).group(1)
    reply = client.get(button)
    assert reply.status_code == 302
    share = reply["Location"]
    assert share.startswith("https://wa.me/6281234567890?text=")
    assert url_of(link).strip("/").split("/")[-1] in share
    assert "Siti" not in share
    assert "Melati" not in share
    assert AccessLogEntry.objects.filter(
        mother_pk=link.mother_id, action=AccessAction.CONTACT, username="kader"
    ).exists()
    other = client_for(world.users["kader_mawar"])
    assert other.get(button).status_code == 404


def test_kader_of_another_posyandu_sees_no_link_of_these_mothers(world, session):
    issue(session, world.users["bidan"])
    html = client_for(world.users["kader_mawar"]).get(
        f"/tautan/sesi/{session.pk}/?instrument=knowledge_test&timepoint=pre"
    )
    assert html.status_code in (200, 404)
    assert "Siti Melati" not in html.content.decode()


def test_viewer_cannot_open_the_links_page(world, session):
    reply = client_for(world.users["viewer"]).get(f"/tautan/sesi/{session.pk}/")
    assert reply.status_code in (403, 404)


def test_reopen_from_the_staff_page_is_logged(world, link):
    answer_link_submit(link=link, answers=knowledge_answers(20), submission_uuid=str(uuid.uuid4()))
    client = client_for(world.users["bidan"])
    assert client.post(f"/tautan/{link.pk}/buka-lagi/").status_code == 302
    assert LinkEvent.objects.filter(action="reopened", link=link).exists()
    assert (
        client_for(world.users["kader_mawar"]).post(f"/tautan/{link.pk}/buka-lagi/").status_code
        == 404
    )


def test_group_mode_code_opens_her_own_form(world, session, link):
    client = client_for(world.users["bidan"])
    projector = client.get(
        f"/tautan/sesi/{session.pk}/grup/?instrument=knowledge_test&timepoint=pre"
    ).content.decode()
    group_url = re.search(r"<code>https?://[^/]+(/isi/grup/[^<]+)</code>", projector).group(1)
    mother_phone = Client()
    page = mother_phone.post(group_url, {"code": link.short_code.lower()})
    assert page.status_code == 302
    assert page["Location"] == url_of(link)
    wrong = mother_phone.post(group_url, {"code": "ZZZZZ"})
    assert wrong.status_code == 200
    assert "errorlist" in wrong.content.decode()


def test_bidan_sets_what_mothers_see_and_a_kader_cannot(world, session):
    payload = {"greeting": "initial", "show_score": "on", "show_answers_after_post": "on"}
    kader = client_for(world.users["kader"])
    assert kader.post(f"/tautan/program/{world.program.pk}/pengaturan/", payload).status_code == 404
    assert not LinkSettings.objects.exists()
    bidan = client_for(world.users["bidan"])
    bidan.post(f"/tautan/program/{world.program.pk}/pengaturan/", payload)
    saved = LinkSettings.objects.get(program=world.program)
    assert saved.show_score
    assert saved.greeting == "initial"
