"""A cadre's day in the browser, at 360 px: register a mother, pre-test, attendance, post-test,
massage checklist, and her category changes. Another posyandu's cadre gets a 404.

Selectors use names, ids and URLs, not visible text, so the test holds in both languages.
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from django.utils import timezone

from laktasi.instruments import registry
from laktasi.instruments.models import Response
from laktasi.mothers.models import Mother
from laktasi.programs.models import Attendance
from laktasi.programs.services import session_create
from tests.browser import DESKTOP, shot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def login(page, base: str, username: str) -> None:
    page.goto(f"{base}/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))


def answer_knowledge(page, correct: int) -> None:
    for n, item in enumerate(registry.get("knowledge_test").items):
        right = "true" if item.key else "false"
        wrong = "false" if item.key else "true"
        page.check(f'input[name="q_{item.id}"][value="{right if n < correct else wrong}"]')


def answer_checklist(page, instrument_id: str, done: int) -> None:
    definition = registry.get(instrument_id)
    top = str(definition.scoring["top_level"])
    for n, item in enumerate(definition.items):
        page.check(f'input[name="q_{item.id}"][value="{top if n < done else "0"}"]')


def record(page, base: str, mother: Mother, instrument_id: str, timepoint: str) -> None:
    page.goto(f"{base}/instrumen/ibu/{mother.pk}/")
    page.click(f'a[href*="/{instrument_id}/{timepoint}/"]')
    page.wait_for_url(re.compile(rf".*/{instrument_id}/{timepoint}/.*"))


@pytest.mark.slow
def test_cadre_runs_a_program_day_on_a_phone(world, live_server, new_page):
    base = live_server.url
    session = session_create(
        program=world.program,
        title="Pelatihan pijat oksitosin",
        starts_at=timezone.make_aware(datetime(2025, 1, 25, 9, 0)),
        venue="Rumah Bidan Tasikharjo",
        facilitator="Tim",
        agenda=[("pretest", 10), ("practice", 30), ("posttest", 10)],
    )
    page = new_page()
    login(page, base, "kader")
    shot(page, "fieldwork-01-home-360")

    # Register a mother from the program page (she is enrolled at once).
    page.click(f'a[href="/program/{world.program.pk}/"]')
    page.click(f'a[href="/program/{world.program.pk}/daftar-ibu/"]')
    page.fill("#id_full_name", "Nur Aini")
    page.fill("#id_birth_date", "14/02/1998")
    village = page.locator("#id_village")
    village.fill("Tasik")  # htmx fills the suggestions
    page.wait_for_selector('#village-options option[value="35.23.12.2005"]', state="attached")
    village.fill("35.23.12.2005")
    page.fill("#id_baby-birth_date", "05/01/2025")
    page.check('input[name="baby-sex"][value="M"]')
    page.fill("#id_baby-birth_weight_g", "3200")
    page.fill("#id_companion-name", "Ahmad")
    page.check("#id_consent")
    shot(page, "fieldwork-02-register-360")
    page.click(".sticky-save button[type=submit]")
    page.wait_for_url(re.compile(r".*/ibu/\d+/$"))
    mother = Mother.objects.get(full_name="Nur Aini")
    assert world.program.enrollments.filter(mother=mother).exists()

    # Pre-test: 10 of 25 right = 40 %: Kurang.
    record(page, base, mother, "knowledge_test", "pre")
    answer_knowledge(page, 10)
    shot(page, "fieldwork-03-pretest-form-360")
    page.click(".sticky-save button[type=submit]")
    page.wait_for_url(re.compile(r".*/instrumen/jawaban/\d+/$"))
    assert page.inner_text("#category") == "Kurang"
    shot(page, "fieldwork-04-pretest-result-360")

    # Attendance: tick her and her companion (htmx saves each tick).
    page.goto(f"{base}/program/sesi/{session.pk}/")
    with page.expect_response(re.compile(rf".*/hadir/{mother.pk}/$")):
        page.check(f"#present-{mother.pk}")
    with page.expect_response(re.compile(rf".*/hadir/{mother.pk}/$")):
        page.check(f"#companion-{mother.pk}")
    page.wait_for_function(
        "n => document.querySelector('#present-total strong').textContent.trim() === n", arg="1"
    )
    shot(page, "fieldwork-05-attendance-360")
    attendance = Attendance.objects.get(session=session, mother=mother)
    assert attendance.companion_present

    # Post-test: 22 of 25 = 88 %: Baik.
    record(page, base, mother, "knowledge_test", "post")
    answer_knowledge(page, 22)
    page.select_option("#id_session", str(session.pk))
    page.click(".sticky-save button[type=submit]")
    page.wait_for_url(re.compile(r".*/instrumen/jawaban/\d+/$"))
    assert page.inner_text("#category") == "Baik"

    # Oxytocin-massage checklist, performed by her husband: every step right = Kompeten.
    record(page, base, mother, "oxytocin_massage_checklist", "post")
    companion = mother.companions.get()
    page.check(f'input[name="performed_by_companion"][value="{companion.pk}"]')
    answer_checklist(page, "oxytocin_massage_checklist", 15)
    shot(page, "fieldwork-06-checklist-form-360")
    page.click(".sticky-save button[type=submit]")
    page.wait_for_url(re.compile(r".*/instrumen/jawaban/\d+/$"))
    assert page.inner_text("#category") == "Kompeten"
    shot(page, "fieldwork-07-checklist-result-360")
    assert Response.objects.get(instrument_id="oxytocin_massage_checklist").performed_by_companion

    # Her page: the category went from Kurang to Baik, all on the timeline.
    page.goto(f"{base}/ibu/{mother.pk}/")
    results = page.inner_text("#results")
    assert "Kurang" in results
    assert "Baik" in results
    assert "Kompeten" in results
    assert page.locator("#timeline li.k-attendance").count() == 1
    shot(page, "fieldwork-08-mother-360")
    page.goto(f"{base}/program/{world.program.pk}/")
    page.wait_for_selector("#matrix table.matrix")
    shot(page, "fieldwork-09-program-360")

    # The same pages on a desktop screen.
    desktop = new_page(DESKTOP)
    login(desktop, base, "kader")
    for name, path in [
        ("register", f"/program/{world.program.pk}/daftar-ibu/"),
        ("mother", f"/ibu/{mother.pk}/"),
        ("program", f"/program/{world.program.pk}/"),
        ("attendance", f"/program/sesi/{session.pk}/"),
        ("checklist-form", f"/instrumen/ibu/{mother.pk}/marmet_checklist/post/"),
        ("matrix", f"/instrumen/program/{world.program.pk}/"),
    ]:
        desktop.goto(base + path)
        desktop.wait_for_load_state("networkidle")
        shot(desktop, f"fieldwork-10-{name}-1280")

    # A cadre from another posyandu cannot open her page.
    other = new_page()
    login(other, base, "kader-mawar")
    response = other.goto(f"{base}/ibu/{mother.pk}/")
    assert response.status == 404
    assert "Nur Aini" not in other.content()


def test_registration_and_attendance_work_with_javascript_off(world, live_server, browser):
    context = browser.new_context(viewport={"width": 360, "height": 780}, java_script_enabled=False)
    try:
        page = context.new_page()
        base = live_server.url
        login(page, base, "kader")
        page.goto(f"{base}/ibu/daftar/")
        page.fill("#id_full_name", "Sri Wahyuni")
        page.fill("#id_birth_date", "01/03/1996")
        page.fill("#id_village", "35.23.12.2005")  # typed code, no suggestions
        page.fill("#id_baby-birth_date", "10/01/2025")
        page.check('input[name="baby-sex"][value="F"]')
        page.check("#id_consent")
        page.click(".sticky-save button[type=submit]")
        page.wait_for_url(re.compile(r".*/ibu/\d+/$"))
        assert Mother.objects.filter(full_name="Sri Wahyuni").exists()
        session = session_create(
            program=world.program,
            starts_at=timezone.make_aware(datetime(2025, 1, 25, 9, 0)),
            venue="Balai desa",
            facilitator="Tim",
        )
        melati = world.mothers["melati"]
        page.goto(f"{base}/program/sesi/{session.pk}/")
        page.check(f"#present-{melati.pk}")
        page.click(".sticky-save button[type=submit]")
        page.wait_for_url(re.compile(rf".*/program/sesi/{session.pk}/$"))
        assert Attendance.objects.filter(session=session, mother=melati).exists()
    finally:
        context.close()
