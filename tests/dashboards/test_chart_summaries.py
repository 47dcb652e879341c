"""Every dashboard chart has a sentence that says what it shows, for readers who cannot see it."""

from __future__ import annotations

from django.utils import translation

from laktasi.dashboards.charts import bar_summary


def test_bar_summary_names_the_highest_and_the_lowest_share():
    rows = [("Melati", 3, 4), ("Mawar", 1, 5), ("Kenanga", 0, 0)]
    with translation.override("id"):
        text = bar_summary(rows)
    assert text == "Tertinggi: Melati, 75% (3 dari 4). Terendah: Mawar, 20% (1 dari 5)."
    with translation.override("en"):
        assert bar_summary([("Melati", 3, 4)]) == "Melati: 75% (3 of 4)."
        assert bar_summary([("Kenanga", 0, 0)]) == "No baby counted yet."


def test_the_dashboard_page_shows_a_summary_under_every_chart(client, world):
    client.login(username="koordinator", password="test-password-123")
    html = client.get("/dasbor/").content.decode()
    assert html.count('class="chart-summary"') == html.count("<figure>") >= 5
