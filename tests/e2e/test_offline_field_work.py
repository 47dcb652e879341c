"""A cadre's posyandu day in airplane mode, in Chromium at 360 px: sync online, record visits
(and a post-test) offline, close and reopen the page (still queued), back online -> each visit saved exactly
once; replays change nothing; a visit recorded meanwhile is a conflict she can resolve; logout
empties Cache Storage and IndexedDB; the next user of the phone sees nothing of hers.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from laktasi.followups.models import Visit
from laktasi.instruments import registry
from laktasi.instruments.models import Response
from laktasi.mothers.models import Mother
from laktasi.programs.models import Attendance
from laktasi.programs.services import session_create
from tests.browser import shot
from tests.conftest import PASSWORD
from tests.followups.helpers import new_baby, record, scheduled

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

QUEUE_RAW = """() => new Promise((resolve) => {
  const open = indexedDB.open("laktasi-offline", 1);
  open.onsuccess = () => {
    const tx = open.result.transaction("queue", "readonly");
    const req = tx.objectStore("queue").getAll();
    tx.oncomplete = () => { open.result.close(); resolve(req.result); };
  };
})"""
QUEUE_PUT = """(item) => new Promise((resolve) => {
  const open = indexedDB.open("laktasi-offline", 1);
  open.onsuccess = () => {
    const tx = open.result.transaction("queue", "readwrite");
    tx.objectStore("queue").put(item);
    tx.oncomplete = () => { open.result.close(); resolve(true); };
  };
})"""
STORAGE = """async () => ({
  caches: await caches.keys(),
  databases: (await indexedDB.databases()).map((d) => d.name),
})"""
# (wait_for_function would evaluate a string: the page's CSP forbids that)
CONTROLLED = """() => navigator.serviceWorker.ready.then(() => new Promise((resolve) => {
  if (navigator.serviceWorker.controller) { resolve(true); return; }
  navigator.serviceWorker.addEventListener("controllerchange", () => resolve(true));
}))"""
# Background sends and syncs finish before the test's database is flushed.
IDLE = "window.laktasiOffline.idle()"
CACHED_URLS = """async () => {
  const names = (await caches.keys()).filter((n) => n.startsWith("laktasi-user-"));
  const urls = [];
  for (const name of names) {
    for (const request of await (await caches.open(name)).keys()) {
      urls.push(new URL(request.url).pathname);
    }
  }
  return urls;
}"""
STATIC_URLS = """async () => (await (await caches.open("laktasi-static-v1")).keys())
  .map((request) => new URL(request.url).pathname)"""


def login(page, base: str, username: str) -> None:
    page.goto(f"{base}/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/masuk/" not in url, wait_until="load")


def synced(page, base: str) -> None:
    """Open the task list, wait for the service worker to control it, and sync."""
    page.goto(f"{base}/kunjungan/tugas/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    # A page that was loading while the worker activated is controlled from its next load.
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        page.reload()
    page.evaluate(CONTROLLED)
    page.evaluate("window.laktasiOffline.sync()")
    expect(page.locator("[data-offline-synced]")).not_to_have_text("")


def fill_visit(page) -> None:
    page.check('input[name="mode"][value="home"]')
    for radio in page.locator('input[type=radio][name^="recall_"][value="no"]').all():
        radio.check()
    page.check('input[name="recall_breastfed_yesterday"][value="yes"]')


def record_offline(page, base: str, visit: Visit) -> None:
    page.goto(f"{base}/kunjungan/{visit.pk}/catat/")
    expect(page.locator("form[data-offline]")).to_have_count(1)
    fill_visit(page)
    page.click("form[data-offline] button[type=submit]")
    page.wait_for_url(re.compile(r".*/kunjungan/tugas/$"))


def queue_size(page) -> int:
    return len(page.evaluate(QUEUE_RAW))


@pytest.fixture
def visits(world):
    baby = new_baby(world.mothers["melati"], age_days=8)
    found = scheduled(baby)
    return found["d7"], found["d14"]


def test_cadre_records_visits_offline_and_they_are_saved_once(world, visits, live_server, new_page):
    base = live_server.url
    assert base.startswith("http://localhost"), "service workers need a secure context"
    first, second = visits
    page = new_page()
    context = page.context
    login(page, base, "kader")
    synced(page, base)
    cached = page.evaluate(CACHED_URLS)
    assert f"/kunjungan/{first.pk}/catat/" in cached
    assert "/kunjungan/tugas/" in cached
    # The page's three scripts are kept for offline use (a cached page needs all of them).
    statics = page.evaluate(STATIC_URLS)
    for script in ("offline-store", "offline-sync", "offline/offline."):
        assert any(script in url for url in statics), script

    context.set_offline(True)
    record_offline(page, base, first)
    expect(page.locator("[data-offline-net]")).to_have_class(re.compile("is-offline"))
    expect(page.locator("[data-offline-note]")).to_be_visible()
    record_offline(page, base, second)
    expect(page.locator("[data-offline-item]")).to_have_count(2)
    shot(page, "offline-01-queued-360")
    assert Visit.objects.filter(pk__in=[first.pk, second.pk], done_on__isnull=False).count() == 0
    saved = page.evaluate(QUEUE_RAW)

    # Closing the page (the browser keeps its storage) loses nothing.
    page.close()
    page = context.new_page()
    page.goto(f"{base}/kunjungan/tugas/")
    expect(page.locator("#offline-status")).to_have_attribute("data-queue-size", "2")

    # Meanwhile the bidan records the second visit online: a conflict for the cadre.
    record(second, user=world.users["bidan"], on=second.baby.birth_date)

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    conflict = page.locator('[data-offline-item][data-state="conflict"]')
    expect(conflict).to_have_count(1)
    expect(page.locator("[data-offline-item]")).to_have_count(1)
    expect(conflict.locator(".offline-item-message")).not_to_be_empty()
    expect(conflict.locator("a")).to_have_attribute("href", f"/kunjungan/bayi/{first.baby_id}/")
    shot(page, "offline-02-conflict-360")
    first.refresh_from_db()
    assert first.done_on is not None
    assert first.recorded_by == world.users["kader"]
    recalls = Response.objects.filter(instrument_id="feeding_recall_24h", visit__isnull=False)
    assert recalls.count() == 2  # hers once, the bidan's once

    # Replaying her first entry twice more changes nothing.
    entry = next(i for i in saved if i["url"] == f"/kunjungan/{first.pk}/catat/")
    for _ in range(2):
        page.evaluate(QUEUE_PUT, {**entry, "state": "waiting"})
        page.evaluate("window.laktasiOffline.send()")
        expect(page.locator("[data-offline-item]")).to_have_count(1)
    assert Visit.objects.filter(pk=first.pk, done_on__isnull=False).count() == 1
    assert recalls.count() == 2
    assert Visit.objects.get(pk=second.pk).recorded_by == world.users["bidan"]

    # Logging out warns about the entry still on the phone, then empties the phone.
    dialogs = []
    page.once("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    page.click("form[data-offline-logout] button")
    page.wait_for_url(re.compile(r".*/masuk/$"))
    assert len(dialogs) == 1
    assert "1" in dialogs[0]
    page.wait_for_load_state("load")
    storage = page.evaluate(STORAGE)
    assert storage["caches"] == []
    assert "laktasi-offline" not in storage["databases"]

    # The next user of this phone sees nothing of hers, online or offline.
    login(page, base, "kader-mawar")
    synced(page, base)
    assert all(f"/{first.pk}/" not in url for url in page.evaluate(CACHED_URLS))
    context.set_offline(True)
    page.goto(f"{base}/kunjungan/{second.pk}/catat/")
    expect(page.locator("form[data-offline]")).to_have_count(0)
    assert "Siti Melati" not in page.content()


def test_a_different_user_logging_in_wipes_the_previous_users_copy(
    world, visits, live_server, new_page
):
    """Without a logout (her session ended), the next login of another user wipes it."""
    base = live_server.url
    first, _second = visits
    page = new_page()
    context = page.context
    login(page, base, "kader")
    synced(page, base)
    context.set_offline(True)
    record_offline(page, base, first)
    assert queue_size(page) == 1
    context.clear_cookies()  # her session ends while the phone is offline
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    # Without a session the entry is kept, marked "log in again", never lost or sent as another.
    expect(page.locator('[data-offline-item][data-state="login"]')).to_have_count(1)
    login(page, base, "kader-mawar")
    page.goto(f"{base}/kunjungan/tugas/")
    page.evaluate("window.laktasiOffline.sync()")
    assert queue_size(page) == 0
    names = page.evaluate("caches.keys()")
    assert [n for n in names if n.startswith("laktasi-user-")] == [
        "laktasi-user-" + page.evaluate("document.body.dataset.offlineUser")
    ]
    assert all(f"/kunjungan/{first.pk}/" not in u for u in page.evaluate(CACHED_URLS))
    first.refresh_from_db()
    assert first.done_on is None
    page.evaluate(IDLE)


def test_logging_out_while_a_sync_runs_leaves_nothing_on_the_phone(
    world, visits, live_server, new_page
):
    """The sync still running on the page must not put back a cache or the database after the
    logout wiped them (nor may the service worker, for a static file on its way)."""
    base = live_server.url
    page = new_page()
    login(page, base, "kader")
    synced(page, base)
    page.evaluate("() => { window.laktasiOffline.sync(); return true; }")  # not awaited
    page.click("form[data-offline-logout] button")
    page.wait_for_url(re.compile(r".*/masuk/$"))
    page.wait_for_load_state("load")
    page.wait_for_timeout(1500)  # time for whatever was on its way to land
    assert page.evaluate(STORAGE) == {"caches": [], "databases": []}


def test_cadre_fills_a_post_test_offline_and_it_is_scored_once(world, live_server, new_page):
    base = live_server.url
    tomorrow = timezone.localdate() + timedelta(days=1)
    session_create(
        program=world.program,
        title="Sesi",
        starts_at=timezone.make_aware(datetime.combine(tomorrow, time(9, 0))),
        venue="Posyandu",
        facilitator="Tim",
        agenda=[("posttest", 10)],
    )
    mother = world.mothers["melati"]
    form_url = f"/instrumen/ibu/{mother.pk}/knowledge_test/post/?program={world.program.pk}"
    page = new_page()
    context = page.context
    login(page, base, "kader")
    synced(page, base)
    assert form_url.split("?")[0] in page.evaluate(CACHED_URLS)
    context.set_offline(True)
    page.goto(base + form_url)
    expect(page.locator("form[data-offline]")).to_have_count(1)
    for item in registry.get("knowledge_test").items:
        page.check(f'input[name="q_{item.id}"][value="{"true" if item.key else "false"}"]')
    page.click("form[data-offline] button[type=submit]")
    page.wait_for_url(re.compile(rf".*/ibu/{mother.pk}/$"))
    expect(page.locator("[data-offline-item]")).to_have_count(1)
    assert not Response.objects.filter(instrument_id="knowledge_test", timepoint="post").exists()
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("[data-offline-item]")).to_have_count(0)
    saved = Response.objects.get(instrument_id="knowledge_test", timepoint="post")
    assert saved.score_pct == 100.0
    assert saved.collected_by == world.users["kader"]
    page.evaluate(IDLE)


def register_offline(page, base: str) -> None:
    """Fill the cached registration form without signal (the village code typed in full)."""
    page.goto(f"{base}/ibu/daftar/")
    expect(page.locator("form[data-offline]")).to_have_count(1)
    page.fill("#id_full_name", "Nur Aini")
    page.fill("#id_birth_date", "14/02/1998")
    page.fill("#id_village", "35.23.12.2005")
    page.fill("#id_baby-birth_date", "05/01/2025")
    page.check('input[name="baby-sex"][value="M"]')
    page.fill("#id_baby-birth_weight_g", "3200")
    page.check("#id_consent")
    page.click(".sticky-save button[type=submit]")
    page.wait_for_url(re.compile(r".*/kunjungan/tugas/$"))


def test_cadre_ticks_attendance_and_registers_offline_saved_once(world, live_server, new_page):
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
    session_url = f"/program/sesi/{session.pk}/"
    page = new_page()
    context = page.context
    login(page, base, "kader")
    synced(page, base)
    cached = page.evaluate(CACHED_URLS)
    assert session_url in cached
    assert "/ibu/daftar/" in cached
    context.set_offline(True)
    page.goto(base + session_url)
    page.check(f"#present-{mother.pk}")
    expect(page.locator("[data-offline-item]")).to_have_count(1)
    page.check(f"#companion-{mother.pk}")
    expect(page.locator("[data-offline-item]")).to_have_count(2)
    shot(page, "offline-04-attendance-queued-360")
    assert not Attendance.objects.filter(session=session).exists()
    keys = [item["key"] for item in page.evaluate(QUEUE_RAW)]
    assert len(set(keys)) == 2
    register_offline(page, base)
    expect(page.locator("[data-offline-item]")).to_have_count(3)
    assert not Mother.objects.filter(full_name="Nur Aini").exists()

    # Closing the page loses nothing; the cached list opens again offline.
    page.close()
    page = context.new_page()
    page.goto(base + session_url)
    expect(page.locator("#offline-status")).to_have_attribute("data-queue-size", "3")

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("[data-offline-item]")).to_have_count(0)
    assert Mother.objects.filter(full_name="Nur Aini").count() == 1
    assert Mother.objects.get(full_name="Nur Aini").registered_by == world.users["kader"]
    attendance = Attendance.objects.get(session=session, mother=mother)
    assert attendance.companion_present
    page.evaluate(IDLE)
    # Replaying the sent entries again (e.g. a second phone's copy) changes nothing.
    saved = Attendance.objects.filter(session=session).count()
    for key in keys:
        reply = page.evaluate(
            """([url, key, pk]) => fetch(url, {method: "POST", credentials: "same-origin",
                headers: {"X-Laktasi-Offline": "1", "X-CSRFToken": JSON.parse(
                  document.body.getAttribute("hx-headers"))["X-CSRFToken"],
                  "Content-Type": "application/x-www-form-urlencoded"},
                body: new URLSearchParams([["present", pk], ["submission_uuid", key]]).toString()
              }).then((r) => r.json())""",
            [f"/program/sesi/{session.pk}/hadir/{mother.pk}/", key, str(mother.pk)],
        )
        assert reply["outcome"] == "duplicate"
    assert Attendance.objects.filter(session=session).count() == saved == 1
    assert Attendance.objects.get(session=session, mother=mother).companion_present
    page.evaluate(IDLE)


def test_cached_form_gets_todays_date_and_old_copies_expire(world, visits, live_server, new_page):
    """A visit form cached yesterday opens with today's date; after LAKTASI_OFFLINE_DAYS
    without a sync the phone deletes its copy of her pages (the queue is kept)."""
    base = live_server.url
    first, _second = visits
    page = new_page()
    context = page.context
    login(page, base, "kader")
    synced(page, base)
    today = timezone.localdate()
    context.set_offline(True)
    page.clock.install(time=datetime.combine(today + timedelta(days=1), time(10, 0)))
    page.goto(f"{base}/kunjungan/{first.pk}/catat/")
    expect(page.locator("#id_done_on")).to_have_value((today + timedelta(days=1)).isoformat())
    page.clock.set_system_time(datetime.combine(today + timedelta(days=5), time(10, 0)))
    page.goto(f"{base}/kunjungan/tugas/")
    expect(page.locator("[data-offline-note]")).to_be_visible()
    names = page.evaluate("caches.keys()")
    assert not [n for n in names if n.startswith("laktasi-user-")]
    page.goto(f"{base}/kunjungan/{first.pk}/catat/")
    expect(page.locator("form[data-offline]")).to_have_count(0)
