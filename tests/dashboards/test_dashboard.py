"""Dashboard: indicators with numerators and denominators, scoping, charts and downloads."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from laktasi.dashboards.exports import neutralise, render
from laktasi.dashboards.indicators import Table, all_tables
from laktasi.dashboards.selectors import dashboard_get, unit_get
from laktasi.followups.services import snapshot_refresh
from tests.conftest import PASSWORD
from tests.followups.helpers import new_baby, record, scheduled


@pytest.fixture
def cohort(world):
    """Five babies in Melati, two in Mawar, one in Kenanga, with recalls at known ages."""
    today = timezone.localdate()
    plan = [
        ("melati", 190, ["exclusive", "exclusive", "exclusive", "mixed_milk"], "husband"),
        ("melati", 190, ["exclusive"] * 4, ""),
        ("melati", 100, ["exclusive", "predominant"], "husband"),
        ("melati", 60, ["exclusive", "exclusive"], ""),
        ("melati", 30, ["mixed_milk"], ""),
        ("mawar", 100, ["exclusive", "exclusive"], "husband"),
        ("mawar", 20, [], ""),
        ("kenanga", 150, ["partial"], ""),
    ]
    babies = []
    for key, age, statuses, massage_by in plan:
        baby = new_baby(world.mothers[key], age_days=age, today=today)
        visits = list(scheduled(baby).values())
        for visit, status in zip(visits, statuses, strict=False):
            record(
                visit, status=status, massage_done=bool(massage_by), massage_by=massage_by,
                refresh_snapshot=False,
            )  # fmt: skip
        babies.append(baby)
    babies[0].early_initiation = True
    babies[0].save()
    babies[1].early_initiation = False
    babies[1].save()
    snapshot_refresh()
    return babies


def _total(db, lang="en"):
    tables, _surv = all_tables(db, lang)
    return tables["indicators"].rows[-1], tables


def test_indicators_show_numerators_and_denominators(world, cohort):
    db = dashboard_get(
        user=world.users["admin"], unit=unit_get(user=world.users["admin"], level="all", key="")
    )
    total, tables = _total(db)
    # latest recall under 6 months per baby: melati 4 babies (x,x,pred,x,mix -> see plan)
    assert total[1:3] == [3, 7]  # EBF n / N: babies 2, 4 and 6
    assert total[4] == 2  # MixMF n
    assert total[6:10] == [1, 2, "50.0%", 8 + 3 - 2]  # EIBF n, N recorded, %, unknown
    assert tables["by_age"].rows[0][1] >= 1


def test_indicators_match_hand_written_sql(world, cohort):
    db = dashboard_get(
        user=world.users["viewer"], unit=unit_get(user=world.users["viewer"], level="all", key="")
    )
    total, _tables = _total(db)
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT SUM(CASE WHEN r.category = 'exclusive' THEN 1 ELSE 0 END),
                   SUM(CASE WHEN r.category = 'mixed_milk' THEN 1 ELSE 0 END),
                   COUNT(*)
            FROM followups_visit v
            JOIN instruments_response r ON r.id = v.recall_id
            WHERE v.done_on <= %s AND v.age_months < 6
              AND NOT EXISTS (
                SELECT 1 FROM followups_visit later
                WHERE later.baby_id = v.baby_id AND later.recall_id IS NOT NULL
                  AND later.age_months < 6 AND later.done_on <= %s
                  AND (later.done_on > v.done_on
                       OR (later.done_on = v.done_on AND later.id > v.id)))
            """,
            [today, today],
        )
        ebf, mix, n = cursor.fetchone()
        cursor.execute(
            """
            SELECT SUM(CASE WHEN early_initiation THEN 1 ELSE 0 END),
                   SUM(CASE WHEN early_initiation IS NOT NULL THEN 1 ELSE 0 END)
            FROM mothers_baby
            """
        )
        eibf, eibf_n = cursor.fetchone()
        cursor.execute(
            "SELECT COUNT(*), SUM(CASE WHEN done_on IS NOT NULL THEN 1 ELSE 0 END) "
            "FROM followups_visit WHERE scheduled AND window_start <= %s",
            [today],
        )
        due, done = cursor.fetchone()
    assert (total[1], total[2], total[4]) == (ebf, n, mix)
    assert (total[6], total[7]) == (eibf, eibf_n)
    assert (total[10], total[11]) == (due, done)


def test_program_level_is_computed_live_and_matches(world, cohort):
    unit = unit_get(user=world.users["admin"], level="program", key=str(world.program.pk))
    total, _tables = _total(dashboard_get(user=world.users["admin"], unit=unit))
    assert total[2] == 5 - 0
    assert total[1] == 2


def test_cadre_sees_only_her_area_even_at_region_level(world, cohort):
    kader = world.users["kader_mawar"]
    unit = unit_get(user=kader, level="regency", key="35.23")
    total, _tables = _total(dashboard_get(user=kader, unit=unit))
    assert total[2] == 1  # mawar: one baby with a recall under six months


def test_region_levels_break_down_by_child(world, cohort):
    viewer = world.users["viewer"]
    db = dashboard_get(user=viewer, unit=unit_get(user=viewer, level="district", key="35.23.12"))
    names = {db.children[k] for k in db.feeding}
    assert names == {"Tasikharjo", "Jenu"}


def test_survival_curves_and_logrank(world, cohort):
    db = dashboard_get(
        user=world.users["admin"], unit=unit_get(user=world.users["admin"], level="all", key="")
    )
    tables, surv = all_tables(db, "en")
    overall = surv.group("all")[0].result
    assert overall.n_used == 7
    assert overall.n_events == 4
    assert {c.label for c in surv.group("husband")} == {
        "Husband does the massage",
        "Husband does not",
    }
    assert surv.tests["husband"] is not None
    assert surv.tests["parity"] is None  # every mother in the test world is primipara: no test
    assert tables["survival"].rows[0][1] == 7


def test_dashboard_page_renders_charts_and_tables_for_everyone(client, world, cohort):
    for role in ("viewer", "kader", "bidan", "coordinator", "admin"):
        assert client.login(username=world.users[role].username, password=PASSWORD)
        page = client.get(reverse("dashboards:index"))
        assert page.status_code == 200
        html = page.content.decode()
        assert "<svg" in html
        assert 'id="table-indicators"' in html
        assert "Siti Melati" not in html  # never names
        client.logout()


def test_downloads_are_neutralised(client, world, cohort):
    assert client.login(username="viewer", password=PASSWORD)
    csv_response = client.get(
        reverse("dashboards:download", args=["indicators", "csv"]) + "?level=all&unit="
    )
    assert csv_response.status_code == 200
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert rows[0][1] == "EBF n" or rows[0][0]
    xlsx = client.get(reverse("dashboards:download", args=["survival", "xlsx"]) + "?level=all")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.active.max_row > 1
    assert client.get(reverse("dashboards:download", args=["nope", "csv"])).status_code == 404


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+6281", "'+6281"),
        ("-3", "'-3"),
        ("@SUM", "'@SUM"),
        ("ok", "ok"),
        (-3, -3),
    ],
)
def test_csv_injection_is_neutralised(value, expected):
    assert neutralise(value) == expected
    _name, _type, body = render(Table("t", "t", ["a"], [[value]]), "csv")
    assert body.decode("utf-8-sig").splitlines()[1] == str(expected)


def test_unknown_unit_is_404(client, world):
    assert client.login(username="viewer", password=PASSWORD)
    assert client.get(reverse("dashboards:index") + "?level=regency&unit=99").status_code == 404
    assert client.get(reverse("dashboards:index") + "?level=nope").status_code == 404


def test_snapshot_follows_a_new_visit_without_full_refresh(world, cohort):
    baby = new_baby(world.mothers["kenanga"], age_days=8)
    visits = scheduled(baby)
    record(visits["d7"], status="exclusive", on=timezone.localdate() - timedelta(days=0))
    viewer = world.users["viewer"]
    total, _tables = _total(
        dashboard_get(user=viewer, unit=unit_get(user=viewer, level="all", key=""))
    )
    assert total[1:3] == [4, 8]


def test_m2_viewers_see_small_cells_suppressed_on_page_and_downloads(client, world, cohort):
    """Issue 16, M2: counts of 1–4 are "<5" for viewers (their percentages blanked); roles
    that see single mothers anyway get the exact figures."""
    url = reverse("dashboards:download", args=["indicators", "csv"]) + "?level=all&unit="
    assert client.login(username="viewer", password=PASSWORD)
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
    total = [r for r in rows if len(r) > 3][-1]  # the last table row (notes follow)
    assert total[1:3] == ["<5", "7"]  # EBF n = 3 is small; N = 7 is not
    assert total[3] == "–"  # 3/7 would give the small count back
    page = client.get(reverse("dashboards:index") + "?level=all&unit=").content.decode()
    assert "&lt;5" in page
    client.logout()
    assert client.login(username="admin", password=PASSWORD)
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
    assert [r for r in rows if len(r) > 3][-1][1:3] == ["3", "7"]


def test_m2_small_cell_threshold_is_a_setting(world, cohort, settings):
    from laktasi.dashboards.disclosure import suppress_table

    settings.SMALL_CELL_THRESHOLD = 3
    table = Table("t", "t", ["a", "n", "N", "%"], [["x", 3, 7, "42.9%"], ["y", 2, 7, "28.6%"]])
    rows = suppress_table(table).rows
    assert rows == [["x", 3, 7, "42.9%"], ["y", "<3", 7, "–"]]
