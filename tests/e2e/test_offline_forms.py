"""The form side of offline field work, in Chromium at 360 px: a consultation logged without
signal and saved once; cached pages marking the work that waits in the queue ("menunggu
dikirim"); and a phone that says "online" while nothing gets through (the submission is kept
and sent later, never saved twice).
"""

from __future__ import annotations

import contextlib
import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from laktasi.instruments import registry
from laktasi.instruments.models import Response
from laktasi.programs.models import Attendance, Consultation
from laktasi.programs.services import session_create
from tests.browser import shot
from tests.e2e.test_offline_field_work import (
    CACHED_URLS,
    IDLE,
    QUEUE_PUT,
    QUEUE_RAW,
    fill_visit,
    login,
    synced,
)
from tests.followups.helpers import new_baby, scheduled

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WAITING = "menunggu dikirim"


@pytest.fixture
def visit(world):
    """An open visit of Siti Melati: her page is on the kader's sync list."""
    return scheduled(new_baby(world.mothers["melati"], age_days=8))["d7"]


def is_offline_post(response) -> bool:
    request = response.request
    return request.method == "POST" and request.headers.get("x-laktasi-offline") == "1"


def fill_consultation(page, question: str = "Puting lecet sejak dua hari") -> None:
    page.fill("#id_question", question)
    page.fill("#id_advice", "Perbaiki pelekatan; oleskan ASI")


def test_cadre_logs_a_consultation_offline_and_it_is_saved_once(
    world, visit, live_server, new_page
):
    base = live_server.url
    mother = world.mothers["melati"]
    mother_url = f"/ibu/{mother.pk}/"
    form_url = f"/program/ibu/{mother.pk}/konsultasi/"
    page = new_page()
    context = page.context
    login(page, base, "kader")
    synced(page, base)
    assert mother_url in page.evaluate(CACHED_URLS)
    # The form is opened online (it need not be on the sync list), then the signal goes.
    page.goto(base + form_url)
    expect(page.locator("form[data-offline]")).to_have_count(1)
    context.set_offline(True)
    fill_consultation(page)
    page.click("form[data-offline] button[type=submit]")
    page.wait_for_url(re.compile(rf".*{mother_url}$"))
    expect(page.locator("[data-offline-item]")).to_have_count(1)
    button = page.locator(f'a[href="{form_url}"]')
    expect(button.locator("[data-offline-pending-badge]")).to_have_text(WAITING)
    shot(page, "offline-05-consultation-queued-360")
    assert not Consultation.objects.exists()
    entry = page.evaluate(QUEUE_RAW)[0]
    assert dict(entry["fields"])["recorded_at"]  # the phone's time, kept for the server

    # Closing the page loses nothing: the cached page still marks it.
    page.close()
    page = context.new_page()
    page.goto(base + mother_url)
    expect(page.locator("#offline-status")).to_have_attribute("data-queue-size", "1")
    expect(page.locator(f'a[href="{form_url}"] [data-offline-pending-badge]')).to_have_count(1)

    context.set_offline(False)
    with page.expect_response(is_offline_post) as sent:
        page.evaluate("window.dispatchEvent(new Event('online'))")
    assert sent.value.json()["outcome"] == "created"
    expect(page.locator("[data-offline-item]")).to_have_count(0)
    expect(page.locator("[data-offline-pending-badge]")).to_have_count(0)
    consultation = Consultation.objects.get()
    assert consultation.recorded_by == world.users["kader"]
    assert consultation.mother == mother
    # Replaying the entry twice more (a second copy of the queue) changes nothing.
    for _ in range(2):
        page.evaluate(QUEUE_PUT, {**entry, "state": "waiting"})
        with page.expect_response(is_offline_post) as again:
            page.evaluate("window.laktasiOffline.send()")
        assert again.value.json()["outcome"] == "duplicate"
    expect(page.locator("[data-offline-item]")).to_have_count(0)
    assert Consultation.objects.count() == 1
    page.evaluate(IDLE)


def test_cached_pages_mark_the_work_waiting_in_the_queue(world, visit, live_server, new_page):
    base = live_server.url
    tomorrow = timezone.localdate() + timedelta(days=1)
    session = session_create(
        program=world.program,
        title="Sesi",
        starts_at=timezone.make_aware(datetime.combine(tomorrow, time(9, 0))),
        venue="Posyandu",
        facilitator="Tim",
    )
    mother = world.mothers["melati"]
    page = new_page()
    context = page.context
    login(page, base, "kader")
    synced(page, base)
    context.set_offline(True)

    # A visit recorded offline: its row on the cached task list says it waits.
    page.goto(f"{base}/kunjungan/{visit.pk}/catat/")
    fill_visit(page)
    page.click("form[data-offline] button[type=submit]")
    page.wait_for_url(re.compile(r".*/kunjungan/tugas/$"))
    row = page.locator(f'li[data-visit="{visit.pk}"]')
    expect(row.locator("[data-offline-pending-badge]")).to_have_text(WAITING)
    shot(page, "offline-06-task-waiting-360")

    # An attendance tick: its row is marked at once, and again when the page is reopened.
    page.goto(f"{base}/program/sesi/{session.pk}/")
    page.check(f"#present-{mother.pk}")
    att = page.locator(f"#att-{mother.pk} [data-offline-pending-badge]")
    expect(att).to_have_text(WAITING)
    page.reload()
    expect(att).to_have_text(WAITING)
    expect(page.locator("[data-offline-pending-badge]")).to_have_count(1)

    # A post-test: her page marks "Record a test or checklist".
    page.goto(f"{base}/instrumen/ibu/{mother.pk}/knowledge_test/post/?program={world.program.pk}")
    for item in registry.get("knowledge_test").items:
        page.check(f'input[name="q_{item.id}"][value="{"true" if item.key else "false"}"]')
    page.click("form[data-offline] button[type=submit]")
    page.wait_for_url(re.compile(rf".*/ibu/{mother.pk}/$"))
    tests_button = page.locator(f'a[href="/instrumen/ibu/{mother.pk}/"]')
    expect(tests_button.locator("[data-offline-pending-badge]")).to_have_text(WAITING)
    # Nothing else on her page waits (no consultation queued).
    expect(page.locator("[data-offline-pending-badge]")).to_have_count(1)

    # Back online: each entry is sent; the marks go.
    page.goto(f"{base}/program/sesi/{session.pk}/")
    expect(page.locator("#offline-status")).to_have_attribute("data-queue-size", "3")
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("[data-offline-item]")).to_have_count(0)
    expect(page.locator("[data-offline-pending-badge]")).to_have_count(0)
    page.evaluate(IDLE)
    visit.refresh_from_db()
    assert visit.done_on is not None
    assert Attendance.objects.filter(session=session, mother=mother).count() == 1
    assert Response.objects.filter(instrument_id="knowledge_test", timepoint="post").count() == 1


def test_submission_failing_while_the_phone_says_online_is_kept_and_sent_once(
    world, visit, live_server, new_page
):
    base = live_server.url
    mother = world.mothers["melati"]
    form_url = f"/program/ibu/{mother.pk}/konsultasi/"
    page = new_page()
    login(page, base, "kader")
    synced(page, base)

    def drop_posts(route):
        if route.request.method == "POST":
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.goto(base + form_url)
    page.route(re.compile(r".*/konsultasi/$"), drop_posts)
    fill_consultation(page)
    assert page.evaluate("navigator.onLine")
    page.click("form[data-offline] button[type=submit]")
    with contextlib.suppress(PlaywrightError):  # the failed navigation may be reported
        page.wait_for_url(lambda url: url.startswith("chrome-error://"))
    assert not Consultation.objects.exists()
    page.unroute(re.compile(r".*/konsultasi/$"))

    # The next page she opens sends the copy kept before the submission.
    with page.expect_response(is_offline_post) as sent:
        page.goto(f"{base}/ibu/{mother.pk}/")
    assert sent.value.json()["outcome"] == "created"
    expect(page.locator("[data-offline-item]")).to_have_count(0)
    assert Consultation.objects.count() == 1
    page.evaluate(IDLE)


def test_answer_lost_after_the_server_saved_is_a_duplicate_not_a_second_record(
    world, visit, live_server, new_page
):
    base = live_server.url
    mother = world.mothers["melati"]
    form_url = f"/program/ibu/{mother.pk}/konsultasi/"
    page = new_page()
    login(page, base, "kader")
    synced(page, base)

    def save_then_drop(route):
        if route.request.method == "POST":
            route.fetch(max_redirects=0)  # reaches the server, which saves it
            route.abort("connectionreset")  # ...but the answer never arrives
        else:
            route.continue_()

    page.goto(base + form_url)
    page.route(re.compile(r".*/konsultasi/$"), save_then_drop)
    fill_consultation(page)
    page.click("form[data-offline] button[type=submit]")
    # The browser's error page (Playwright may report the failed navigation itself).
    with contextlib.suppress(PlaywrightError):
        page.wait_for_url(lambda url: url.startswith("chrome-error://"))
    assert Consultation.objects.count() == 1
    page.unroute(re.compile(r".*/konsultasi/$"))

    with page.expect_response(is_offline_post) as sent:
        page.goto(f"{base}/ibu/{mother.pk}/")
    assert sent.value.json()["outcome"] == "duplicate"
    expect(page.locator("[data-offline-item]")).to_have_count(0)
    assert Consultation.objects.count() == 1
    page.evaluate(IDLE)


def test_online_submissions_leave_no_copy_behind(world, visit, live_server, new_page):
    """Saved online: its copy is answered "duplicate" and goes. Refused with errors on the
    page: its copy goes at once (nothing was saved, she corrects it on screen)."""
    base = live_server.url
    mother = world.mothers["melati"]
    form_url = f"/program/ibu/{mother.pk}/konsultasi/"
    page = new_page()
    login(page, base, "kader")
    synced(page, base)

    page.goto(base + form_url)
    page.check("#id_referral_needed")  # without "referred to": the server refuses it
    fill_consultation(page)
    page.click("form[data-offline] button[type=submit]")
    expect(page.locator("#id_referred_to")).to_have_attribute("aria-invalid", "true")
    page.evaluate(IDLE)
    assert page.evaluate(QUEUE_RAW) == []
    assert not Consultation.objects.exists()

    page.fill("#id_referred_to", "Puskesmas Jenu")
    with page.expect_response(is_offline_post) as copy:
        page.click("form[data-offline] button[type=submit]")
        page.wait_for_url(re.compile(r".*/program/konsultasi/\d+/$"))
    assert copy.value.json()["outcome"] == "duplicate"
    expect(page.locator(".messages")).to_contain_text("Konsultasi")
    page.evaluate(IDLE)
    assert page.evaluate(QUEUE_RAW) == []
    assert Consultation.objects.count() == 1


def test_attendance_tick_failing_online_is_queued_and_later_ticks_keep_their_order(
    world, live_server, new_page
):
    base = live_server.url
    tomorrow = timezone.localdate() + timedelta(days=1)
    session = session_create(
        program=world.program,
        title="Sesi",
        starts_at=timezone.make_aware(datetime.combine(tomorrow, time(9, 0))),
        venue="Posyandu",
        facilitator="Tim",
    )
    mother = world.mothers["melati"]
    tick_url = re.compile(rf".*/program/sesi/{session.pk}/hadir/{mother.pk}/$")
    page = new_page()
    login(page, base, "kader")
    synced(page, base)
    page.goto(f"{base}/program/sesi/{session.pk}/")
    page.route(tick_url, lambda route: route.abort("connectionreset"))
    page.check(f"#present-{mother.pk}")
    expect(page.locator("[data-offline-item]")).to_have_count(1)
    expect(page.locator(f"#att-{mother.pk} [data-offline-pending-badge]")).to_have_text(WAITING)
    assert not Attendance.objects.exists()
    page.unroute(tick_url)

    # The next tick of the row goes behind the waiting one; both are then sent, in order.
    page.check(f"#companion-{mother.pk}")
    expect(page.locator("[data-offline-item]")).to_have_count(0)
    page.evaluate(IDLE)
    attendance = Attendance.objects.get(session=session, mother=mother)
    assert attendance.companion_present
    expect(page.locator("[data-offline-pending-badge]")).to_have_count(0)
