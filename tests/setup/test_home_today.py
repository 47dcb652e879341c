"""The cadre's home page starts with today: visits due and overdue, this week's sessions, then
her mothers. The home page lives in laktasi.home, not in core (core knows nothing of mothers)."""

from __future__ import annotations

import ast
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from laktasi.programs.services import session_create
from tests.conftest import PASSWORD
from tests.followups.helpers import new_baby, scheduled

pytestmark = pytest.mark.django_db
CORE = Path(__file__).resolve().parents[2] / "laktasi" / "core"
DOMAIN = ("mothers", "programs", "followups", "instruments", "places", "reports", "setup")


def test_core_imports_no_domain_app():
    for path in CORE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                parts = node.module.split(".")
                assert not (parts[0] == "laktasi" and len(parts) > 1 and parts[1] in DOMAIN), (
                    f"{path.name} imports {node.module}"
                )


def test_cadre_home_lists_overdue_and_due_visits_then_sessions_then_mothers(client, world):
    today = timezone.localdate()
    mother = world.mothers["melati"]
    overdue_baby = new_baby(mother, age_days=9)  # day-7 visit window closes on day 10
    visits = scheduled(overdue_baby)
    assert visits["d7"].due_date < today
    session_create(
        program=world.program,
        title="Kelas ASI minggu ini",
        starts_at=datetime.combine(today, time(9), tzinfo=timezone.get_current_timezone()),
        venue="Posyandu Melati",
        facilitator="Bidan",
    )
    session_create(
        program=world.program,
        title="Kelas bulan depan",
        starts_at=datetime.combine(
            today + timedelta(days=30), time(9), tzinfo=timezone.get_current_timezone()
        ),
        venue="Posyandu Melati",
        facilitator="Bidan",
    )
    client.login(username="kader", password=PASSWORD)
    page = client.get("/").content.decode()
    today_at = page.index('id="today"')
    section = page[today_at : page.index("</section>", today_at)]
    assert f"/kunjungan/{visits['d7'].pk}/catat/" in section
    assert "Siti Melati" in section
    assert "Kelas ASI minggu ini" in section
    assert "Kelas bulan depan" not in section
    # Today comes first, then her mothers, then her programs.
    assert today_at < page.index('id="my-mothers"') < page.index('id="my-programs"')


def test_another_posyandus_visits_are_not_on_her_home(client, world):
    other = new_baby(world.mothers["mawar"], age_days=9)
    visits = scheduled(other)
    client.login(username="kader", password=PASSWORD)
    page = client.get("/").content.decode()
    assert f"/{visits['d7'].pk}/" not in page
    assert "Dewi Mawar" not in page


def test_viewer_and_coordinator_homes_have_no_today_section(client, world):
    for username in ("viewer", "koordinator"):
        client.login(username=username, password=PASSWORD)
        assert 'id="today"' not in client.get("/").content.decode()
        client.logout()
