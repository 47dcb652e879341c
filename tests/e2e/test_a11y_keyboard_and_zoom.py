"""Keyboard only and text at 200 %: the main flows (log in, register a mother, fill a test,
record a visit) done with Tab, arrows, Space and Enter, never a click; key pages with the root
font size at 200 % keep every control inside the window, with no sideways scrolling.
"""

from __future__ import annotations

import re

import pytest

from laktasi.followups.models import Visit
from laktasi.instruments import registry
from laktasi.instruments.models import Response
from laktasi.mothers.models import Mother
from tests.browser import DESKTOP, PHONE
from tests.conftest import PASSWORD
from tests.followups.helpers import new_baby, scheduled

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FOCUSED_IS = "s => !!document.activeElement && document.activeElement.matches(s)"


def tab_to(page, selector: str, limit: int = 250) -> None:
    """Tab forward until ``selector`` has the focus (fails when Tab never reaches it)."""
    for _ in range(limit):
        if page.evaluate(FOCUSED_IS, selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reaches {selector}")


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def choose(page, name: str, value: str) -> None:
    """Pick a radio button: Tab into its group, arrows to the value (arrows also check it)."""
    tab_to(page, f"input[type=radio][name='{name}']")
    for _ in range(12):
        if page.evaluate("() => document.activeElement.value") == value:
            page.keyboard.press("Space")
            assert page.is_checked(f"input[name='{name}'][value='{value}']"), name
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option {value} in {name}")


def submit(page, selector: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Enter")


def keyboard_login(page, base: str, username: str) -> None:
    page.goto(f"{base}/masuk/")
    type_into(page, "input[name=username]", username)
    type_into(page, "input[name=password]", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/masuk/" not in url, wait_until="load")


def test_a_cadre_does_the_main_flows_with_the_keyboard_only(world, live_server, new_page):
    base = live_server.url
    page = new_page(PHONE)
    keyboard_login(page, base, "kader")

    # Register a mother from the program page.
    page.goto(f"{base}/program/{world.program.pk}/")
    submit(page, f'a[href="/program/{world.program.pk}/daftar-ibu/"]')
    page.wait_for_url(re.compile(r".*/daftar-ibu/$"), wait_until="load")
    type_into(page, "#id_full_name", "Nur Aini")
    type_into(page, "#id_birth_date", "14/02/1998")
    type_into(page, "#id_village", "35.23.12.2005")
    type_into(page, "#id_baby-birth_date", "05/01/2025")
    choose(page, "baby-sex", "F")
    type_into(page, "#id_baby-birth_weight_g", "3200")
    type_into(page, "#id_companion-name", "Ahmad")
    tab_to(page, "#id_consent")
    page.keyboard.press("Space")
    submit(page, ".sticky-save button[type=submit]")
    page.wait_for_url(re.compile(r".*/ibu/\d+/$"), wait_until="load")
    mother = Mother.objects.get(full_name="Nur Aini")
    assert world.program.enrollments.filter(mother=mother).exists()

    # Fill the knowledge pre-test: every answer right.
    page.goto(f"{base}/instrumen/ibu/{mother.pk}/")
    submit(page, 'a[href*="/knowledge_test/pre/"]')
    page.wait_for_url(re.compile(r".*/knowledge_test/pre/.*"), wait_until="load")
    for item in registry.get("knowledge_test").items:
        choose(page, f"q_{item.id}", "true" if item.key else "false")
    submit(page, ".sticky-save button[type=submit]")
    page.wait_for_url(re.compile(r".*/instrumen/jawaban/\d+/$"), wait_until="load")
    response = Response.objects.get(mother=mother, instrument_id="knowledge_test")
    assert response.category == "baik"

    # Record the visit due today from the task list.
    baby = new_baby(world.mothers["melati"], age_days=7)
    visit = scheduled(baby)["d7"]
    page.goto(f"{base}/kunjungan/tugas/")
    submit(page, f"li[data-visit='{visit.pk}'] a[href$='/catat/']")
    page.wait_for_url(re.compile(r".*/catat/$"), wait_until="load")
    names = page.eval_on_selector_all(
        ".recall-item input[value=no]", "inputs => inputs.map(i => i.name)"
    )
    for name in names:
        choose(page, name, "no")
    choose(page, "recall_breastfed_yesterday", "yes")
    choose(page, "mode", "home")
    choose(page, "massage", "no")
    submit(page, "form.visit-form button[type=submit]")
    page.wait_for_url("**/kunjungan/tugas/", wait_until="load")
    visit = Visit.objects.get(pk=visit.pk)
    assert visit.done_on is not None
    assert visit.feeding_status == "exclusive"


OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const clipped = [...document.querySelectorAll('a, button, input, select, textarea, label')]
    .filter(e => e.offsetParent !== null && !e.closest('.table-scroll, [hidden]'))
    .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.left < -1 || r.right > width + 1); })
    .map(e => e.outerHTML.slice(0, 120));
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 1 && !(e.parentElement && e.parentElement.closest('.table-scroll')) && ![...e.children].some(c => c.getBoundingClientRect().right > width + 1))
    .map(e => e.outerHTML.slice(0, 160));
  return {scroll: document.documentElement.scrollWidth - width, clipped, wide: wide.slice(0, 4)};
}"""


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360", "1280"])
def test_text_at_200_percent_loses_nothing_on_key_pages(world, live_server, new_page, viewport):
    base = live_server.url
    page = new_page(viewport)
    page.goto(f"{base}/masuk/")
    failures = {}
    baby = new_baby(world.mothers["melati"], age_days=7)
    visit = scheduled(baby)["d7"]
    mother = world.mothers["melati"]
    pages = [
        "/masuk/",
        "/",
        f"/program/{world.program.pk}/daftar-ibu/",
        f"/instrumen/ibu/{mother.pk}/knowledge_test/pre/",
        f"/kunjungan/{visit.pk}/catat/",
        "/kunjungan/tugas/",
        "/dasbor/",
        f"/ibu/{mother.pk}/",
    ]
    keyboard_login(page, base, "bidan")
    for path in pages:
        page.goto(base + path, wait_until="load")
        page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
        result = page.evaluate(OVERFLOW)
        if result["scroll"] > 1 or result["clipped"]:
            failures[path] = result
    assert failures == {}
