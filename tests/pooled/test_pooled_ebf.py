"""EBF at a visit pooled across programs: per program x = exclusive and n = decided latest
recalls before six months (the dashboard's count), pooled as logit proportions (metafor PLO)."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from pypdf import PdfReader

from laktasi.dashboards.indicators import all_tables
from laktasi.dashboards.selectors import dashboard_get, unit_get
from laktasi.followups.services import visit_record
from laktasi.reports.selectors import pooled_build, pooled_program_list
from laktasi.stats.pooled import ilogit, proportion_logit, random_effects
from tests.followups.helpers import new_baby, recall, record, scheduled
from tests.pooled.test_pooled_page import QUERY, URL, login

#: per program (as in conftest.PLANS), the statuses of its mothers' babies' recalls, in order;
#: None = no visit; "undecided" = a recall with a missing answer that would change the status
RECALLS = (
    ("exclusive", "exclusive", "exclusive", "exclusive", "mixed_milk", "undecided"),
    (("exclusive", "partial"), "partial", "partial", "exclusive", "exclusive", None, None),
    ("exclusive", "exclusive", "exclusive"),
    (None, None, None, None, None),
)
#: expected (x, n, undecided) per program
EXPECTED = [(4, 5, 1), (2, 5, 0), (3, 3, 0), (0, 0, 0)]


def _record(baby, statuses) -> None:
    visits = scheduled(baby)
    for key, status in zip(("d7", "d14"), statuses, strict=False):
        if status == "undecided":
            answers = recall("exclusive")
            answers.pop("plain_water")  # a missing answer that would change "exclusive"
            visit_record(visit=visits[key], recorded_by=None, done_on=visits[key].due_date,
                         mode="home", recall_answers=answers, refresh_snapshot=False)  # fmt: skip
        else:
            record(visits[key], status=status, refresh_snapshot=False)


@pytest.fixture
def recalls(world, programs):
    for program, statuses in zip(programs, RECALLS, strict=True):
        mothers = sorted(program.enrollments.select_related("mother"), key=lambda e: e.mother_id)
        for enrollment, status in zip(mothers, statuses, strict=True):
            if status is None:
                continue
            baby = new_baby(enrollment.mother, age_days=40)
            _record(baby, status if isinstance(status, tuple) else (status,))
    return programs


def _build(world, programs, lang="en", method="REML"):
    return pooled_build(
        programs=pooled_program_list(user=world.users["admin"], pks=[p.pk for p in programs]),
        outcome="ebf_visit", method=method, test="knha", moderator="program_kind", lang=lang,
    )  # fmt: skip


def test_each_program_counts_exclusive_among_decided_latest_recalls(world, recalls):
    analysis, report = _build(world, recalls)
    got = [(e.program.exclusive, e.program.decided, e.program.undecided) for e in analysis.effects]
    assert got == EXPECTED
    no_recalls = analysis.effects[3]
    assert no_recalls.effect is None
    assert no_recalls.reason == "no_recalls"
    assert analysis.pooled.k == 3
    # the pooled share: metafor escalc("PLO") + rma(REML, knha) + predict(transf.ilogit)
    effects = [proportion_logit(x, n) for x, n, _u in EXPECTED[:3]]
    expected = random_effects([e.yi for e in effects], [e.vi for e in effects])
    assert analysis.pooled.estimate == pytest.approx(expected.estimate, rel=1e-12)
    pooled_row = report.sections[1].blocks[-1].body[0]
    assert pooled_row[1].value == pytest.approx(100 * ilogit(expected.estimate), rel=1e-12)
    forest = report.figures[0].chart
    assert [r.n_text for r in forest.rows] == ["4/5", "2/5", "3/3"]
    assert forest.rows[2].flagged  # fewer than 5 decided recalls
    assert forest.rows[2].value == pytest.approx(100 * ilogit(effects[2].yi))
    assert forest.pooled[0] == pytest.approx(100 * ilogit(expected.estimate))
    assert forest.null_value is None  # a share has no line of no change
    assert forest.x_range == (0.0, 100.0)
    assert "the share" in report.sections[1].blocks[1].text  # heterogeneity in words
    caveats = next(s for s in report.sections if s.key == "caveats").blocks[0].items
    assert any("not a change before and after" in c for c in caveats)
    assert any("fewer than 5 decided recalls" in c for c in caveats)
    assert any("1 latest recall(s) were left undecided" in c for c in caveats)
    assert any("no decided recall before six months" in c for c in caveats)


def test_program_counts_are_those_of_the_program_dashboard(world, recalls):
    """The same babies and recalls as the dashboard of each program (EBF n, EBF N, undecided)."""
    admin = world.users["admin"]
    for program, (x, n, undecided) in zip(recalls, EXPECTED, strict=True):
        db = dashboard_get(
            user=admin, unit=unit_get(user=admin, level="program", key=str(program.pk))
        )
        total = all_tables(db, "en")[0]["indicators"].rows[-1]
        assert (total[1], total[2], total[-1]) == (x, n, undecided)


def test_viewer_opens_ebf_at_a_visit_on_the_page_in_indonesian(client, world, recalls):
    login(client, world, "viewer")
    response = client.get(URL, {**QUERY, "outcome": "ebf_visit"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="ebf_visit"' in html  # offered in the outcome choices
    assert "data:image/svg+xml;base64," in html
    assert "bukan perubahan sebelum dan sesudah" in html
    assert "recall 24 jam terakhir sebelum usia enam bulan" in html  # the choice, stated
    assert "4/5" in html
    assert "Ibu Uji" not in html


def test_cli_writes_ebf_at_a_visit_with_x_and_n_for_escalc(world, recalls, tmp_path):
    pks = ",".join(str(p.pk) for p in recalls)
    out = {}
    for fmt in ("json", "csv", "xlsx", "pdf"):
        target = tmp_path / f"ebf.{fmt}"
        call_command("pooled", "--programs", pks, "--outcome", "ebf_visit", "--format", fmt,
                     "--lang", "id", "-o", str(target))  # fmt: skip
        out[fmt] = target.read_bytes()
    numbers = json.loads(out["json"])
    assert numbers["outcome"] == "ebf_visit"
    assert [(p["xi"], p["ni"], p["undecided"]) for p in numbers["programs"]] == EXPECTED
    back = numbers["back_transformed"]
    assert back["estimate"] == pytest.approx(ilogit(numbers["pooled"]["estimate"]))
    assert back["ci_low"] == pytest.approx(ilogit(numbers["pooled"]["ci_low"]))
    header = out["csv"].decode("utf-8").splitlines()[0].split(",")
    assert header[6:9] == ["ni", "yi", "vi"]
    assert header[-2:] == ["xi", "undecided"]
    wb = openpyxl.load_workbook(io.BytesIO(out["xlsx"]))
    data = list(wb["data"].iter_rows(min_row=2, values_only=True))
    assert [(row[-2], row[6]) for row in data] == [(x, n) for x, n, _u in EXPECTED]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(out["pdf"])).pages)
    assert "bukan perubahan sebelum dan sesudah" in " ".join(text.split())
