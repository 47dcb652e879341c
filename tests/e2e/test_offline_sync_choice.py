"""A bidan in Chromium at 360 px: she chooses the posyandu she goes to from the status strip,
the phone syncs only its pages at once; a later sync after one mother's edit downloads only
that mother's pages again (the others answer 304) and the cached copy shows the edit; the
cached registration form offers her kecamatan's villages without signal."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from laktasi.mothers.services import mother_update
from tests.browser import shot
from tests.e2e.test_offline_field_work import CACHED_URLS, IDLE, login, synced
from tests.followups.helpers import new_baby, scheduled

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CACHED_TEXT = """async (url) => {
  const names = (await caches.keys()).filter((n) => n.startsWith("laktasi-user-"));
  const hit = await (await caches.open(names[0])).match(url, { ignoreVary: true });
  return hit ? hit.text() : "";
}"""


def test_bidan_syncs_only_her_chosen_posyandu_and_later_only_what_changed(
    world, live_server, new_page
):
    base = live_server.url
    melati = scheduled(new_baby(world.mothers["melati"], age_days=8))["d7"]
    mawar = scheduled(new_baby(world.mothers["mawar"], age_days=8))["d7"]
    page = new_page()
    login(page, base, "bidan")
    synced(page, base)
    cached = page.evaluate(CACHED_URLS)
    assert f"/kunjungan/{melati.pk}/catat/" in cached
    assert f"/kunjungan/{mawar.pk}/catat/" in cached

    # She takes only Posyandu Mawar offline: the phone syncs at once, Melati's pages leave it.
    page.click("#offline-status a.offline-choose")
    page.wait_for_url(re.compile(r".*/sinkron/posyandu/$"))
    page.get_by_label(re.compile("Mawar")).check()
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/sinkron/posyandu/\?sinkron=1$"))
    expect(page.locator("form[data-offline-resync]")).to_have_count(1)
    page.evaluate(IDLE)
    shot(page, "offline-05-choose-posyandu-360")
    cached = page.evaluate(CACHED_URLS)
    assert f"/kunjungan/{mawar.pk}/catat/" in cached
    assert f"/kunjungan/{melati.pk}/catat/" not in cached
    assert f"/ibu/{world.mothers['melati'].pk}/" not in cached

    # One mother's name is corrected: the next sync downloads her pages, the rest are 304.
    mother = world.mothers["mawar"]
    mother_update(mother=mother, by=world.users["bidan"], full_name="Dewi Mawar Sari")
    statuses = {}

    def seen(response):
        if response.request.resource_type == "fetch" and response.request.method == "GET":
            statuses[response.url.removeprefix(base)] = response.status

    page.on("response", seen)
    page.evaluate("window.laktasiOffline.sync()")
    page.remove_listener("response", seen)
    fetched = {url for url, status in statuses.items() if status == 200}
    unchanged = {url for url, status in statuses.items() if status == 304}
    assert f"/ibu/{mother.pk}/" in fetched
    assert "/materi/tanya-jawab/" in unchanged
    assert "/materi/panduan/" in unchanged
    assert len(unchanged) >= 2
    assert "Dewi Mawar Sari" in page.evaluate(CACHED_TEXT, f"/ibu/{mother.pk}/")
    # A page answered 304 stays on the phone.
    assert "/materi/tanya-jawab/" in page.evaluate(CACHED_URLS)
    page.evaluate(IDLE)

    # "Sinkron sekarang" with nothing changed asks every page again: all answer 304.
    statuses.clear()
    page.on("response", seen)
    page.click('[data-offline-action="sync"]')
    page.evaluate(IDLE)
    page.remove_listener("response", seen)
    pages = {url: status for url, status in statuses.items() if url != "/sinkron/"}
    assert pages
    assert set(pages.values()) == {304}

    # Without signal the cached registration form still offers the villages of her kecamatan.
    page.context.set_offline(True)
    page.goto(f"{base}/ibu/daftar/")
    expect(page.locator("form[data-offline]")).to_have_count(1)
    expect(page.locator('#village-options option[value="35.23.12.2016"]')).to_have_count(1)
    page.context.set_offline(False)
