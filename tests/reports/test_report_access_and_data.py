"""Reports on a small program built here: access, the command, missing data, de-identification."""

from __future__ import annotations

import io
import random
from datetime import date

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from laktasi.instruments import registry
from laktasi.instruments.services import response_record
from laktasi.instruments.synthesis import answers_for
from laktasi.programs.services import attendance_record, session_create
from laktasi.reports.exporters import render
from laktasi.reports.exporters.base import safe_text
from laktasi.reports.selectors import report_build
from tests.conftest import PASSWORD, register

KNOWLEDGE = [("kurang", "baik"), ("cukup", "baik"), ("kurang", "cukup"), ("cukup", None)]
SMOOTH = [("belum_lancar", "lancar"), ("lancar", "lancar"), ("belum_lancar", "lancar"),
          ("belum_lancar", None)]  # fmt: skip


@pytest.fixture
def small_program(world):
    """Four mothers at Posyandu Melati; the fourth has no post-test."""
    rng = random.Random(7)
    program = world.program
    tasik = world.regions["35.23.12.2005"]
    session = session_create(
        program=program, title="Sesi 1", starts_at="2025-01-25T09:00+07:00",
        venue="Balai desa", facilitator="Bidan", agenda=[("pretest", 15), ("practice", 40)],
    )  # fmt: skip
    mothers = [world.mothers["melati"]] + [
        register(f"Ibu Contoh{i}", world.melati, tasik) for i in range(3)
    ]
    knowledge = registry.get("knowledge_test")
    smooth = registry.get("milk_smoothness")
    interview = registry.get("sociocultural_interview")
    for mother, (k_pre, k_post), (s_pre, s_post) in zip(mothers, KNOWLEDGE, SMOOTH, strict=True):
        attendance_record(session=session, mother=mother, companion_present=True,
                          companion=mother.companions.first())  # fmt: skip
        for timepoint, k, s in (("pre", k_pre, s_pre), ("post", k_post, s_post)):
            if k is None:
                continue
            response_record(mother=mother, instrument_id="knowledge_test", timepoint=timepoint,
                            answers=answers_for(knowledge, k, rng=rng), collected_by=None,
                            program=program, session=session)  # fmt: skip
            response_record(mother=mother, instrument_id="milk_smoothness", timepoint=timepoint,
                            answers=answers_for(smooth, s, rng=rng, fixed={"baby_age_days": 20}),
                            collected_by=None, program=program, session=session)  # fmt: skip
    answers = answers_for(interview, None, rng=rng)
    answers["other_beliefs"] = f"Kata {mothers[0].full_name}: air tajin baik, hubungi 081234567890"
    response_record(mother=mothers[0], instrument_id="sociocultural_interview", timepoint="pre",
                    answers=answers, collected_by=None, program=program, session=session)  # fmt: skip
    return program, mothers


def test_missing_post_test_is_listed_by_identifier_and_left_out_of_paired_tests(small_program):
    program, mothers = small_program
    report = report_build(program=program, lang="en")
    missing = report.numbers["missing"]["knowledge_test"]
    assert missing["pre_only"] == [mothers[3].identifier]
    assert missing["complete"] == 3
    assert report.numbers["knowledge_paired"]["n_used"] == 3
    assert report.numbers["knowledge_paired"]["n_dropped"] == 1
    margins = report.numbers["knowledge"]
    assert margins["pre"]["n"] == 4
    assert margins["post"]["n"] == 3
    section = next(s for s in report.sections if s.key == "missing")
    listed = " ".join(i for b in section.blocks if hasattr(b, "items") for i in b.items)
    assert mothers[3].identifier in listed
    assert mothers[3].full_name not in listed


def test_quotes_are_optional_and_anonymised(small_program):
    program, mothers = small_program
    plain = report_build(program=program, lang="id")
    assert not any(getattr(b, "style", "") == "quote" for s in plain.sections for b in s.blocks)
    quoted = report_build(program=program, lang="id", include_quotes=True)
    quotes = [
        b.text for s in quoted.sections for b in s.blocks if getattr(b, "style", "") == "quote"
    ]
    assert quotes
    assert "air tajin" in quotes[0]
    assert mothers[0].full_name not in quotes[0]
    assert "Melati" not in quotes[0]
    assert "081234567890" not in quotes[0]


def test_spreadsheet_text_cannot_run_as_a_formula(small_program):
    program, _mothers = small_program
    program.title = '=HYPERLINK("http://example.invalid","x")'
    program.save()
    report = report_build(program=program, lang="en")
    _name, _type, content = render(report, fmt="xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(content))
    cells = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    texts = [v for v in cells if isinstance(v, str)]
    assert not any(v.startswith(("=", "+", "@")) for v in texts)
    assert any(v.startswith("'=HYPERLINK") for v in texts)
    assert safe_text("-1") == "'-1"


def test_viewer_downloads_the_report_and_others_out_of_scope_get_404(client, small_program, world):
    program, _mothers = small_program
    url = reverse("reports:program", args=[program.pk])
    assert client.get(url).status_code == 302  # login first
    client.login(username="viewer", password=PASSWORD)
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="format"' in page.content
    assert b'name="quotes"' not in page.content  # aggregates only for viewers
    response = client.get(url, {"format": "docx", "lang": "en"})
    assert response.status_code == 200
    assert "attachment;" in response["Content-Disposition"]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    for row_level in ("xlsx", "sav", "csv"):  # one row per mother: not for viewers (M2)
        refused = client.get(url, {"format": row_level, "lang": "en"})
        assert "Content-Disposition" not in refused
        assert f'value="{row_level}"'.encode() not in page.content
    web = client.get(url, {"format": "web", "lang": "id"})
    assert "Siti Melati" not in web.content.decode()
    assert 'class="lk-report"' in web.content.decode()
    # charts as images: inline SVG would carry style attributes that the CSP blocks
    assert '<img src="data:image/svg+xml;base64,' in web.content.decode()
    assert "<svg" not in web.content.decode()
    client.logout()
    client.login(username="kader-mawar", password=PASSWORD)
    assert client.get(url).status_code == 404
    assert client.get(url, {"format": "pdf", "lang": "id"}).status_code == 404


def test_command_writes_a_report_by_number_or_exact_title(small_program, tmp_path):
    program, _mothers = small_program
    by_pk = tmp_path / "a.xlsx"
    call_command("report", str(program.pk), "--format", "xlsx", "--lang", "en", "-o", str(by_pk))
    assert by_pk.read_bytes()[:2] == b"PK"
    by_title = tmp_path / "b.zip"
    call_command("report", program.title, "--format", "csv", "-o", str(by_title))
    assert by_title.stat().st_size > 100
    with pytest.raises(CommandError):
        call_command("report", "no such program", "--format", "csv", "-o", str(tmp_path / "c"))


def test_published_percentages_can_come_with_the_request(small_program, tmp_path):
    program, _mothers = small_program
    published = tmp_path / "published.json"
    published.write_text('{"knowledge_test": {"pre": {"baik": "0", "cukup": "50,0", '
                         '"kurang": "49,9"}, "citation": "poster"}}')  # fmt: skip
    out = tmp_path / "r.html"
    call_command("report", str(program.pk), "--format", "html", "--lang", "id",
                 "--published", str(published), "-o", str(out))  # fmt: skip
    html = out.read_text()
    assert "tercetak 49,9 % untuk 2/4, seharusnya 50,0 %" in html


def test_a_chosen_session_limits_the_report_to_its_mothers(small_program, world):
    program, mothers = small_program
    other = session_create(program=program, title="Sesi 2", starts_at="2025-02-01T09:00+07:00",
                           venue="Balai desa", facilitator="Bidan")  # fmt: skip
    attendance_record(session=other, mother=mothers[1], companion_present=False)
    report = report_build(program=program, lang="en", session_ids=[other.pk])
    assert report.numbers["n_mothers"] == 1
    assert len({row[0] for row in report.data.rows}) == 1  # one mother, two timepoints
    assert report.data.rows[0][0].startswith("P-")  # a fresh pseudonym, not her LK- id
    assert report.numbers["reference_date"] == date(2025, 2, 1).isoformat()
