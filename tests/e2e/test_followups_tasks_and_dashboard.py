"""In the browser at 360 px: a cadre works her task list; a viewer reads the dashboard."""

from __future__ import annotations

import pytest

from laktasi.followups.models import Visit
from laktasi.followups.services import snapshot_refresh
from tests.browser import login, shot
from tests.conftest import PASSWORD
from tests.followups.helpers import new_baby, record, scheduled

pytestmark = pytest.mark.e2e


@pytest.fixture
def field(transactional_db, world):
    """Melati: one baby due today (7 days old), one older baby whose last recall was formula."""
    due = new_baby(world.mothers["melati"], age_days=7)
    scheduled(due)
    older = new_baby(world.mothers["melati"], age_days=40)
    visits = scheduled(older)
    record(visits["d1_3"], status="exclusive", refresh_snapshot=False)
    record(visits["d14"], status="mixed_milk", massage_done=True, massage_by="husband")
    snapshot_refresh()
    return {"due": due, "older": older}


def test_cadre_records_the_visit_due_today_from_her_phone(live_server, phone, world, field):
    page = phone
    login(page, live_server.url, "kader", PASSWORD)
    page.click("nav.mainnav a[href$='/kunjungan/tugas/']")
    page.wait_for_url("**/kunjungan/tugas/", wait_until="load")  # count() does not wait
    task = page.locator(f"#today li[data-visit='{field['due'].visits.get(key='d7').pk}']")
    assert task.count() == 1
    wa = task.locator("a.whatsapp")
    assert wa.get_attribute("href").endswith("/wa/")  # the number is never on the page
    assert page.locator("#overdue, #missed").count() == 2
    assert page.locator("#alerts .alerts li").count() >= 1  # formula reported
    shot(page, "followups-tasks-360")
    task.locator("a[href$='/catat/']").click()
    for radio in page.locator(".recall-item input[value=no]").all():
        radio.check()
    page.check("input[name=recall_breastfed_yesterday][value=yes]")
    page.check("input[name=mode][value=home]")
    page.check("input[name=massage][value=yes]")
    page.select_option("select[name=massage_by]", "husband")
    shot(page, "followups-record-360")
    page.click("form.visit-form button[type=submit]")
    page.wait_for_url("**/kunjungan/tugas/")
    assert page.locator(".messages li").count() == 1
    visit = Visit.objects.get(baby=field["due"], key="d7")
    assert visit.done_on is not None
    assert visit.feeding_status == "exclusive"
    assert page.locator(f"li[data-visit='{visit.pk}']").count() == 0


def test_viewer_reads_the_dashboard_and_downloads_a_table(live_server, phone, world, field):
    page = phone
    login(page, live_server.url, "viewer", PASSWORD)
    assert page.locator("nav.mainnav a[href$='/kunjungan/tugas/']").count() == 0
    page.click("nav.mainnav a[href$='/dasbor/']")
    page.wait_for_url("**/dasbor/", wait_until="load")
    assert page.locator("#indicators svg.chart").count() == 4  # EBF, MixMF, EIBF, IMD
    assert page.locator("#survival svg.chart").count() == 3
    assert page.locator("#table-indicators tbody tr").count() >= 2
    assert "Siti Melati" not in page.content()
    # every chart fits the phone's width
    widths = page.eval_on_selector_all(
        "svg.chart", "els => els.map(e => e.getBoundingClientRect().width)"
    )
    assert max(widths) <= 360
    shot(page, "dashboard-360")
    page.locator("#table-indicators th[scope=row] a").first.click()  # drill down to a region
    page.wait_for_url("**level=province**")
    with page.expect_download() as info:
        page.locator("#indicators .downloads a", has_text="CSV").click()
    download = info.value
    assert download.suggested_filename == "laktasi-indicators.csv"


def test_cadre_records_a_danger_sign_and_sees_it_red_at_the_top(live_server, phone, world, field):
    page = phone
    login(page, live_server.url, "kader", PASSWORD)
    visit = field["due"].visits.get(key="d7")
    page.goto(f"{live_server.url}/kunjungan/{visit.pk}/catat/")
    for radio in page.locator(".recall-item input[value=no]").all():
        radio.check()
    page.check("input[name=recall_breastfed_yesterday][value=yes]")
    page.check("input[name=mode][value=home]")
    page.check("input[name=danger_baby][value=very_sleepy]")
    page.fill("input[name=wet_nappies]", "3")
    shot(page, "followups-record-danger-360")
    page.click("form.visit-form button[type=submit]")
    page.wait_for_url("**/kunjungan/tugas/")
    urgent = page.locator("#urgent")
    assert urgent.count() == 1
    box = urgent.bounding_box()
    assert box["width"] <= 360
    assert box["y"] < page.locator("nav.task-jump").bounding_box()["y"]
    colour = urgent.evaluate("el => getComputedStyle(el).borderTopColor")
    assert colour != "rgba(0, 0, 0, 0)"
    assert urgent.locator(".alerts li").count() == 2  # the sign and the nappy count
    shot(page, "followups-tasks-urgent-360")
