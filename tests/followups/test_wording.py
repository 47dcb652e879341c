"""Indonesian wording on follow-up and dashboard screens (content review §9)."""

from __future__ import annotations

from django.urls import reverse

from tests.conftest import PASSWORD
from tests.followups.helpers import new_baby, scheduled


def test_task_page_speaks_of_scheduled_visits_not_due_dates_or_windows(client, world):
    scheduled(new_baby(world.mothers["melati"], age_days=7))
    assert client.login(username=world.users["kader"].username, password=PASSWORD)
    html = client.get(reverse("followups:tasks")).content.decode()
    assert "Dijadwalkan hari ini" in html
    assert "rentang waktu kunjungan" in html
    for finance_or_literal in ("jatuh tempo", "Jatuh tempo", "jendela"):
        assert finance_or_literal not in html


def test_dashboard_labels_eibf_and_imd_apart(client, world):
    new_baby(world.mothers["melati"], age_days=7)
    assert client.login(username=world.users["admin"].username, password=PASSWORD)
    html = client.get(reverse("dashboards:index") + "?level=all").content.decode()
    assert "Menyusu dalam 1 jam pertama (EIBF)" in html
    assert "IMD (kontak kulit ≥ 1 jam)" in html
    assert "ASI + susu formula/susu hewan" in html
    assert "Inisiasi menyusu dini" not in html
    assert "ASI+susu lain" not in html
    assert "Adaptasi program" in html
