"""The 24-hour recall on a 360 px phone: the mother answers and sees the danger signs; the
visit stays on the kader's task list (360 px too), her record form is filled in from the
mother's answers, and it is saved only after the kader confirms the danger-sign check."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from laktasi.followups.models import Visit
from laktasi.instruments import registry
from laktasi.instruments.models import Source
from laktasi.links.tokens import token_for
from tests.browser import PHONE, login, shot
from tests.conftest import PASSWORD
from tests.followups.helpers import new_baby, recall, scheduled
from tests.links.helpers import issue, make_session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_mother_sends_the_recall_and_the_kader_still_records_the_visit(
    world, live_server, new_page
):
    base = live_server.url
    visit = scheduled(new_baby(world.mothers["melati"], age_days=8))["d7"]
    link = issue(
        make_session(world.program),
        world.users["bidan"],
        instrument_id="feeding_recall_24h",
        timepoint="followup",
    ).links[0]
    answers = recall("mixed_milk")
    items = [i.id for i in registry.get("feeding_recall_24h").items if i.id in answers]

    phone = new_page(viewport=PHONE)
    requested = []
    phone.on("request", lambda request: requested.append(request.url))
    phone.goto(f"{base}/isi/{token_for(link.salt)}/")
    phone.wait_for_load_state("networkidle")
    assert all(url.startswith(base) for url in requested), requested
    transferred = phone.evaluate(
        "performance.getEntriesByType('navigation').concat(performance.getEntriesByType("
        "'resource')).reduce((sum, e) => sum + e.transferSize, 0)"
    )
    print(f"recall page: {transferred} bytes transferred, {len(requested)} requests")  # noqa: T201
    assert transferred < 100_000
    assert phone.is_visible("#tanda-bahaya")
    assert phone.is_visible(".danger-jump a")
    shot(phone, "recall-01-mother-question-360")
    for n, item in enumerate(items):
        phone.check(f'input[name="q_{item}"][value="{answers[item]}"]')
        if n < len(items) - 1:
            phone.click("#next")
    phone.click("#send")
    phone.wait_for_url(re.compile(r".*/selesai/$"))
    phone.wait_for_selector("#thanks")
    assert phone.is_visible("#tanda-bahaya")
    assert phone.is_visible("#visit-still-open")
    shot(phone, "recall-02-mother-thanks-360")
    visit.refresh_from_db()
    assert visit.done_on is None
    assert visit.recall.source == Source.SELF

    kader = new_page(viewport=PHONE)
    login(kader, base, "kader", PASSWORD)
    kader.goto(f"{base}/kunjungan/tugas/")
    card = kader.locator(f'li[data-visit="{visit.pk}"]')
    assert card.locator(".self-recall").text_content() == "recall diisi ibu"
    shot(kader, "recall-03-kader-tasks-360")
    card.locator("a.button", has_text="Catat kunjungan").click()
    kader.wait_for_url(re.compile(rf".*/kunjungan/{visit.pk}/catat/$"))
    assert kader.is_visible("#self-recall")
    assert kader.is_checked('input[name="recall_infant_formula"][value="yes"]')
    assert kader.is_checked('input[name="recall_breastfed_yesterday"][value="yes"]')
    kader.check('input[name="mode"][value="home"]')
    kader.click("form.visit-form button[type=submit]")
    kader.wait_for_load_state("load")
    kader.wait_for_selector(".danger-checked .error")
    shot(kader, "recall-04-kader-form-danger-check-360")
    assert Visit.objects.get(pk=visit.pk).done_on is None
    kader.check('input[name="danger_checked"]')
    kader.click("form.visit-form button[type=submit]")
    kader.wait_for_url(re.compile(r".*/kunjungan/tugas/$"))
    visit.refresh_from_db()
    assert visit.done_on == timezone.localdate()
    assert visit.feeding_status == "mixed_milk"
    assert visit.recall.source == Source.SELF
    expect = pytest.importorskip("playwright.sync_api").expect
    expect(kader.locator(f'li[data-visit="{visit.pk}"]')).to_have_count(0)
