"""A group/clothed massage practice recorded on the web with s04/s06 "not assessed", shown,
exported to FHIR (valid) and reported per step without counting those steps as missed."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from laktasi.api.fhir.export import bundle_build
from laktasi.api.fhir.validation import validate_bundle
from laktasi.instruments.models import Response
from laktasi.programs.services import session_create
from laktasi.reports.selectors import report_build
from tests.web.helpers import checklist_answers, client_for, record_payload

pytestmark = pytest.mark.django_db
CLOTHED = ("s04_privacy_back_bare", "s06_oil")


def test_group_practice_with_two_steps_not_assessed_is_scored_over_the_rest(world):
    mother = world.mothers["melati"]
    session_create(program=world.program, title="Praktik", venue="Balai", facilitator="Bidan",
                   starts_at=timezone.make_aware(datetime(2025, 1, 25, 9)),
                   agenda=[("practice", 30)])  # fmt: skip
    answers = checklist_answers("oxytocin_massage_checklist", 16)
    for step in CLOTHED:
        answers[f"q_{step}"] = "not_assessed"
    answers["q_s13_checks_comfort"] = "0"
    answers["q_s14_clean_dress"] = "0"
    answers["q_s15_feed_wash_record"] = "0"
    client = client_for(world.users["kader"], "id")
    url = f"/instrumen/ibu/{mother.pk}/oxytocin_massage_checklist/post/"
    page = client.post(url, record_payload(answers, program=world.program.pk), follow=True)
    saved = Response.objects.get(instrument_id="oxytocin_massage_checklist")
    assert saved.instrument_version == "2"
    assert saved.details["not_assessed_items"] == list(CLOTHED)
    assert saved.details["max_points"] == 14
    assert saved.category == "kompeten"  # 11/14 = 78.6 %, not 11/16 = 68.8 %
    assert "Tidak dinilai" in page.content.decode()
    assert validate_bundle(bundle_build()) == []
    report = report_build(program=world.program, lang="en")
    items = next(t for t in report.tables if t.key.startswith("oxytocin_massage_chec"))
    rows = {row[1].text: row[3].text for row in items.body}
    assert not any(text.startswith("Keeps the mother's privacy") for text in rows)
    assert rows["Checks the mother's comfort during the massage and adjusts the pressure."] == (
        "0/1"
    )
