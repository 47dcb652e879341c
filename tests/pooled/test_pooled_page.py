"""The evaluation across programs: who may see it, what it shows, what it refuses."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from docx import Document
from pypdf import PdfReader

from laktasi.instruments.models import Response
from laktasi.reports.pooled.analysis import PoolingRefused
from laktasi.reports.selectors import pooled_build, pooled_program_list
from laktasi.stats.pooled import paired_mean_change, random_effects
from tests.conftest import PASSWORD

URL = "/laporan/gabungan/"
QUERY = {"outcome": "knowledge_test:score", "method": "REML", "test": "knha", "format": "web",
         "lang": "id"}  # fmt: skip


def login(client, world, role):
    assert client.login(username=world.users[role].username, password=PASSWORD)


@pytest.mark.parametrize("role", ["kader", "bidan"])
def test_cadre_and_midwife_cannot_open_the_pooled_page(client, world, programs, role):
    login(client, world, role)
    assert client.get(URL).status_code == 403
    assert client.get(URL, QUERY).status_code == 403


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login" in response["Location"] or "masuk" in response["Location"]


def test_viewer_sees_forest_plot_pairs_and_caveats_in_indonesian_without_names(
    client, world, programs
):
    login(client, world, "viewer")
    response = client.get(URL, QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    assert "data:image/svg+xml;base64," in html  # the forest plot
    assert "tanpa kelompok pembanding" in html  # not causal
    assert "Knapp" in html
    assert "Ibu Uji" not in html  # aggregates only
    assert "tidak digabungkan: kurang dari 2 pasangan lengkap" in html  # the world's program
    assert "tidak digabungkan: kurang dari 2 pasangan lengkap" in html.split("s-caveats")[1]
    assert "few_pairs" not in html
    # every program with its pairs: 6, 7, 3 and 5 pairs (4 programs) and the world's program
    # with none (shown, not pooled)
    analysis, _report = pooled_build(
        programs=pooled_program_list(user=world.users["viewer"]), outcome="knowledge_test:score",
        method="REML", test="knha", moderator=None, lang="id",
    )  # fmt: skip
    assert sorted(e.n for e in analysis.effects) == [0, 3, 5, 6, 7]
    assert analysis.pooled.k == 4
    for e in analysis.included:
        assert f"n = {e.n}" in _forest_labels(_report)


def _forest_labels(report):
    return " ".join(row.n_text for row in report.figures[0].chart.rows)


def test_coordinator_pools_only_the_programs_of_her_team(world, programs):
    coordinator = world.users["coordinator"]
    visible = pooled_program_list(user=coordinator)
    assert programs[3] not in visible  # not on its team
    assert set(visible) == {world.program, *programs[:3]}


def test_program_effect_is_computed_from_the_same_pairs_as_its_report(world, programs):
    program = programs[0]
    analysis, _r = pooled_build(
        programs=pooled_program_list(user=world.users["admin"], pks=[p.pk for p in programs]),
        outcome="knowledge_test:score", method="REML", test="knha", moderator=None, lang="id",
    )  # fmt: skip
    mine = next(e for e in analysis.effects if e.program.pk == program.pk)
    rows = Response.objects.filter(program=program, instrument_id="knowledge_test")
    by = {(r.mother_id, r.timepoint): r.score_pct for r in rows}
    mothers = sorted({m for m, _t in by})
    expected = paired_mean_change([by[m, "pre"] for m in mothers], [by[m, "post"] for m in mothers])
    assert mine.n == 6
    assert mine.effect.yi == pytest.approx(expected.yi, rel=1e-12)
    assert mine.effect.vi == pytest.approx(expected.vi, rel=1e-12)
    pooled = random_effects([e.effect.yi for e in analysis.included],
                            [e.effect.vi for e in analysis.included])  # fmt: skip
    assert analysis.pooled.estimate == pooled.estimate


def test_small_program_is_pooled_but_flagged(world, programs):
    analysis, report = pooled_build(
        programs=pooled_program_list(user=world.users["admin"], pks=[p.pk for p in programs]),
        outcome="milk_smoothness:category", method="REML", test="knha", moderator=None,
        lang="en",
    )  # fmt: skip
    small = next(e for e in analysis.effects if e.n == 3)
    assert small.few_pairs
    assert small.effect is not None
    assert any(row.flagged for row in report.figures[0].chart.rows)
    caveats = next(s for s in report.sections if s.key == "caveats").blocks[0].items
    assert any("fewer than 5 pairs" in c for c in caveats)
    assert any("Only 4 programs" in c for c in caveats)


def test_one_program_is_refused_with_a_message(client, world, programs):
    login(client, world, "admin")
    query = dict(QUERY, kind="research")  # one program only
    response = client.get(URL, query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "setidaknya 2 program" in html or "at least 2 programs" in html
    assert "data:image/svg+xml" not in html


def test_outcome_with_different_instrument_versions_is_not_pooled_silently(world, programs):
    Response.objects.filter(program=programs[1], instrument_id="knowledge_test").update(
        instrument_version="2"
    )
    chosen = pooled_program_list(user=world.users["admin"], pks=[p.pk for p in programs])
    with pytest.raises(PoolingRefused) as refused:
        pooled_build(programs=chosen, outcome="knowledge_test:score", method="REML",
                     test="knha", moderator=None, lang="id")  # fmt: skip
    assert refused.value.code == "versions"
    assert refused.value.details["specs"] == ["knowledge_test@1:score", "knowledge_test@2:score"]


def test_meta_regression_by_program_kind_and_one_stage_check(world, programs):
    analysis, report = pooled_build(
        programs=pooled_program_list(user=world.users["admin"], pks=[p.pk for p in programs]),
        outcome="knowledge_test:score", method="REML", test="knha", moderator="year", lang="en",
    )  # fmt: skip
    assert analysis.regression is not None
    assert [c.name for c in analysis.regression.coefficients] == ["intercept", "x"]
    assert analysis.one_stage is not None
    assert analysis.one_stage.n == sum(e.n for e in analysis.included)
    keys = [s.key for s in report.sections]
    assert keys == ["programs", "pooled", "caveats", "moderator", "one_stage", "methods"]


def test_cli_writes_json_csv_xlsx_pdf_and_docx(world, programs, tmp_path):
    pks = ",".join(str(p.pk) for p in programs)
    out = {}
    for fmt in ("json", "csv", "xlsx", "pdf", "docx"):
        target = tmp_path / f"pooled.{fmt}"
        call_command("pooled", "--programs", pks, "--outcome", "knowledge_test:score",
                     "--format", fmt, "--lang", "id", "--moderator", "program_kind",
                     "-o", str(target))  # fmt: skip
        out[fmt] = target.read_bytes()
    numbers = json.loads(out["json"])
    assert numbers["pooled"]["k"] == 4
    csv_lines = out["csv"].decode("utf-8").splitlines()
    assert csv_lines[0].split(",")[6:9] == ["ni", "yi", "vi"]
    assert not out["csv"].startswith(b"\xef\xbb\xbf")  # read.csv reads it as is
    assert len(csv_lines) == 5
    wb = openpyxl.load_workbook(io.BytesIO(out["xlsx"]))
    assert "programs" in wb.sheetnames
    effects = list(wb["effects"].iter_rows(min_row=3, values_only=True))
    assert [row[3] for row in effects[:4]] == pytest.approx([p["yi"] for p in numbers["programs"]])
    assert [row[4] for row in effects[:4]] == pytest.approx([p["vi"] for p in numbers["programs"]])
    pooled_row = effects[4]
    assert pooled_row[3] == pytest.approx(numbers["pooled"]["estimate"])
    assert pooled_row[4] == pytest.approx(numbers["pooled"]["se"] ** 2)
    ys = [row[7] for row in wb["data"].iter_rows(min_row=2, values_only=True)]
    assert ys == pytest.approx([p["yi"] for p in numbers["programs"]])
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(out["pdf"])).pages)
    assert "EVALUASI LINTAS PROGRAM" in text  # the title, in capitals by the stylesheet
    assert "Pasangan" in text
    assert "kelompok pembanding" in text
    doc = Document(io.BytesIO(out["docx"]))
    assert len(doc.inline_shapes) >= 1  # the forest plot


def test_cli_refuses_without_a_choice_of_programs_and_with_one_program(world, programs):
    with pytest.raises(CommandError, match="--programs"):
        call_command("pooled", "--outcome", "knowledge_test:score")
    with pytest.raises(CommandError, match="2"):
        call_command("pooled", "--programs", str(programs[0].pk), "--outcome",
                     "knowledge_test:score", "-o", "-")  # fmt: skip
    with pytest.raises(CommandError):
        call_command("pooled", "--programs", str(programs[0].pk), "--outcome", "nope:score")


def test_one_knowledge_item_is_pooled_from_the_answers_as_the_scoring_counts_them(world, programs):
    from laktasi.instruments import registry  # noqa: PLC0415

    item = registry.get("knowledge_test").items[0]
    expected = "true" if item.key else "false"
    analysis, report = pooled_build(
        programs=pooled_program_list(user=world.users["admin"], pks=[p.pk for p in programs]),
        outcome=f"knowledge_test:item:{item.id}", method="DL", test="z", moderator=None,
        lang="en",
    )  # fmt: skip
    first = next(e for e in analysis.effects if e.program.pk == programs[0].pk)
    rows = Response.objects.filter(program=programs[0], instrument_id="knowledge_test")
    right = {(r.mother_id, r.timepoint): r.answers.get(item.id) == expected for r in rows}
    mothers = sorted({m for m, _t in right})
    changed = sum(right[m, "post"] for m in mothers) - sum(right[m, "pre"] for m in mothers)
    assert first.n == 6
    if first.effect is not None:
        assert first.effect.yi == pytest.approx(changed / 6)
    assert item.label_for("en") in report.subtitle


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("knowledge_test:item:nope", "has no item"),
        ("milk_smoothness:item:x", "knowledge tests and checklists only"),
        ("knowledge_test:items", "Unknown outcome measure"),
        ("sociocultural_interview:score", "not measured before and after"),
    ],
)
def test_outcomes_that_cannot_be_pooled_are_refused_with_a_reason(world, spec, message):
    from django.utils import translation  # noqa: PLC0415

    from laktasi.reports.pooled.outcomes import OutcomeError, outcome_parse  # noqa: PLC0415

    with translation.override("en"), pytest.raises(OutcomeError, match=message):
        outcome_parse(spec)


def test_programs_are_chosen_by_region_facility_kind_and_period(world, programs):
    from datetime import date  # noqa: PLC0415

    admin = world.users["admin"]
    in_tasikharjo = set(pooled_program_list(user=admin, region="35.23.12.2005"))
    assert in_tasikharjo == {world.program, programs[1], programs[3]}
    assert set(pooled_program_list(user=admin, region="35.23.11")) == set()
    assert set(pooled_program_list(user=admin, facility=world.mawar.pk)) == {
        programs[0],
        programs[2],
    }
    assert set(pooled_program_list(user=admin, kind="research")) == {programs[2]}
    period = pooled_program_list(user=admin, date_from=date(2023, 1, 1), date_to=date(2024, 12, 31))
    assert set(period) == {programs[1], programs[2], programs[3]}


def test_a_period_that_ends_before_it_starts_is_refused_on_the_page(client, world, programs):
    login(client, world, "admin")
    response = client.get(URL, dict(QUERY, date_from="2025-01-01", date_to="2024-01-01"))
    assert response.status_code == 200
    assert "Awal periode jatuh setelah akhirnya" in response.content.decode()


def test_pooled_files_are_made_on_the_job_queue_as_the_user(client, world, programs):
    """A pooled download goes through the same queue as a program's report files (made as the
    user who asked, stored encrypted, downloaded once); in tests the queue runs inline."""
    from laktasi.jobs.models import GeneratedFile

    login(client, world, "admin")
    response = client.get(URL, dict(QUERY, format="xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames
    made = GeneratedFile.objects.get(kind="pooled_report")
    assert made.owner == world.users["admin"]
    assert made.params["outcome"] == "knowledge_test:score"
    assert not made.file  # downloaded once: the stored copy is gone


def test_a_refused_pooled_file_says_why_on_its_page(client, world, programs):
    from laktasi.jobs.models import FileState, GeneratedFile

    login(client, world, "admin")
    response = client.get(URL, dict(QUERY, kind="research", format="csv"))  # one program only
    made = GeneratedFile.objects.get(kind="pooled_report")
    assert made.state == FileState.FAILED
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "setidaknya 2 program" in page or "at least 2 programs" in page
