"""Mothers answer on their own phones: the facilitator (1280 px) makes links; a 360 px phone
answers the knowledge test one question per screen, loses the signal before sending, sends
when it is back; the facilitator sees her as done without reloading; the link then says
"already sent"; a forged link and group mode with a short code."""

from __future__ import annotations

import re

import pytest

from laktasi.instruments import registry
from laktasi.instruments.models import Response, Source
from laktasi.links.models import AnswerLink
from laktasi.links.tokens import token_for
from laktasi.mothers.services import mother_register
from tests.browser import DESKTOP, PHONE, login, shot
from tests.conftest import PASSWORD
from tests.links.helpers import make_session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def answer_all(page, correct: int) -> None:
    """Answer each question on its own screen, pressing Next between them."""
    items = registry.get("knowledge_test").items
    for n, item in enumerate(items):
        right = "true" if item.key else "false"
        wrong = "false" if item.key else "true"
        page.check(f'input[name="q_{item.id}"][value="{right if n < correct else wrong}"]')
        if n < len(items) - 1:
            page.click("#next")


def test_mothers_answer_on_their_phones_and_the_facilitator_sees_it_live(
    world, live_server, new_page
):
    base = live_server.url
    second = mother_register(
        registered_by=None,
        full_name="Ani Lestari",
        birth_date=world.mothers["melati"].birth_date,
        village=world.regions["35.23.12.2005"],
        facility=world.melati,
        parity=2,
        consent={"text_version": "1"},
    )
    world.program.enrollments.create(mother=second)
    session = make_session(world.program)

    staff = new_page(viewport=DESKTOP)
    login(staff, base, "bidan", PASSWORD)
    staff.goto(f"{base}/program/sesi/{session.pk}/")
    staff.click("#answer-links")
    staff.select_option("#id_instrument", "knowledge_test")
    staff.check('input[name="timepoint"][value="pre"]')
    staff.click("form[method=get] button[type=submit]")
    staff.click("#make-links")
    staff.wait_for_selector("#link-status")
    assert AnswerLink.objects.count() == 2
    siti = AnswerLink.objects.get(mother=world.mothers["melati"])
    shot(staff, "links-01-facilitator-1280")

    phone = new_page(viewport=PHONE)
    requested = []
    phone.on("request", lambda request: requested.append(request.url))
    phone.goto(f"{base}/isi/{token_for(siti.salt)}/")
    phone.wait_for_load_state("networkidle")
    assert requested
    assert all(url.startswith(base) for url in requested), requested
    transferred = phone.evaluate(
        "performance.getEntriesByType('navigation').concat(performance.getEntriesByType("
        "'resource')).reduce((sum, e) => sum + e.transferSize, 0)"
    )
    print(f"mother's page: {transferred} bytes transferred, {len(requested)} requests")  # noqa: T201
    assert transferred < 100_000
    assert "Siti" not in phone.content()
    assert phone.is_visible("#next")
    assert not phone.is_visible("#send")
    shot(phone, "links-02-mother-question-360")
    answer_all(phone, 21)
    assert phone.is_visible("#send")

    # The signal drops just before she sends: the answers wait on the phone.
    phone.context.set_offline(True)
    phone.click("#send")
    phone.wait_for_selector("#offline-note", state="visible")
    shot(phone, "links-03-mother-offline-360")
    assert not Response.objects.exists()
    phone.context.set_offline(False)
    phone.wait_for_url(re.compile(r".*/selesai/$"))
    phone.wait_for_selector("#thanks")
    shot(phone, "links-04-mother-thanks-360")
    response = Response.objects.get()
    assert response.source == Source.SELF
    assert response.mother == world.mothers["melati"]
    assert response.score_pct == pytest.approx(84.0)

    # The facilitator's page shows her as done by itself (htmx polling, no reload).
    staff.wait_for_selector(f'#link-row-{siti.mother_id}[data-state="submitted"]', timeout=20000)
    shot(staff, "links-05-facilitator-live-1280")

    # The same link again: already sent, no form.
    phone.goto(f"{base}/isi/{token_for(siti.salt)}/")
    assert phone.get_attribute("#closed", "data-reason") == "submitted"
    assert phone.locator('input[name^="q_"]').count() == 0
    # A forged link reveals nothing.
    phone.goto(f"{base}/isi/{'x' * 32}/")
    assert phone.get_attribute("#closed", "data-reason") == "unknown"

    # Group mode: one QR on the projector; Ani types the code from her card.
    staff.click("#group-link")
    group_url = staff.inner_text(".projector .url code")
    shot(staff, "links-06-projector-1280")
    ani = AnswerLink.objects.get(mother=second)
    other_phone = new_page(viewport=PHONE)
    other_phone.goto(group_url)
    other_phone.fill("#id_code", ani.short_code.lower())
    other_phone.click("main form button[type=submit]")
    other_phone.wait_for_url(re.compile(rf".*/isi/{token_for(ani.salt)}/$"))
    answer_all(other_phone, 10)
    other_phone.click("#send")
    other_phone.wait_for_url(re.compile(r".*/selesai/$"))
    assert Response.objects.count() == 2
