"""The demo's report reproduces the article's tables, correctly, in every format and language.

Each test renders real files and reads them back with their own libraries (pypdf/pdftotext,
python-docx, openpyxl, pyreadstat, csv), so a number is checked where a reader sees it.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pyreadstat
from docx import Document
from pypdf import PdfReader

from laktasi.mothers.models import Companion, Mother
from laktasi.reports.exporters import FORMATS, render
from laktasi.reports.selectors import report_build

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "reports"
KNOWLEDGE_ID = [
    ("Baik", "2", "13,3 %", "10", "66,7 %"),
    ("Cukup", "5", "33,3 %", "4", "26,7 %"),
    ("Kurang", "8", "53,3 %", "1", "6,7 %"),
]
KNOWLEDGE_EN = [
    ("Good", "2", "13.3%", "10", "66.7%"),
    ("Fair", "5", "33.3%", "4", "26.7%"),
    ("Poor", "8", "53.3%", "1", "6.7%"),
]


def personal_strings() -> list[str]:
    out = []
    for m in Mother.objects.all():
        out += [m.full_name, m.phone]
        if m.nik:
            out.append(m.nik)
    out += [c.name for c in Companion.objects.all()]
    return [s for s in out if s]


def table_rows(table) -> list[tuple[str, ...]]:
    return [tuple(c.text for c in row) for row in (*table.head, *table.body, *table.foot)]


def check_knowledge_table_reproduces_the_article_margins(demo_program):
    for lang, expected in (("id", KNOWLEDGE_ID), ("en", KNOWLEDGE_EN)):
        report = report_build(program=demo_program, lang=lang)
        table = next(t for t in report.tables if t.key == "knowledge")
        body = [tuple(c.text for c in row[1:]) for row in table.body]
        assert body == expected
        assert [c.text for c in table.foot[0][1:4]] == [
            "Total" if lang == "en" else table.foot[0][1].text,
            "15",
            "100,0 %" if lang == "id" else "100.0%",
        ]
        smooth = next(t for t in report.tables if t.key == "smoothness")
        assert [c.text for c in smooth.body[0][2:]] == (
            ["6", "40,0 %", "13", "86,7 %"] if lang == "id" else ["6", "40.0%", "13", "86.7%"]
        )
    assert report.numbers["knowledge"]["pre"]["counts"] == {"baik": 2, "cukup": 5, "kurang": 8}
    assert report.numbers["smoothness_paired"]["after_yes"] == 13


def check_published_percentages_are_checked_and_the_misprint_explained(demo_program):
    report = report_build(program=demo_program, lang="id")
    checks = report.numbers["published_checks"]
    before = {i["label"]: i for i in checks["knowledge_test:pre"]["items"]}
    assert before["Baik"]["reported"] == 13.5
    assert before["Baik"]["expected"] == 13.3
    assert before["Baik"]["from_rounding"] is False  # 13,5 % cannot come from 2/15
    assert before["Kurang"]["from_rounding"] is True  # 53,4 % forces the column to 100
    after = {i["label"]: i for i in checks["knowledge_test:post"]["items"]}
    assert after["Kurang"]["matches_largest_remainder"] is True  # 6,6 %
    notes = " ".join(next(t for t in report.tables if t.key == "knowledge").notes)
    assert "tercetak 13,5 % untuk 2/15, seharusnya 13,3 %" in notes
    assert "tercetak 53,4 % untuk 8/15, seharusnya 53,3 %" in notes
    assert "tercetak 6,6 % untuk 1/15, seharusnya 6,7 %" in notes
    assert checks["milk_smoothness:pre"]["n_incorrect"] == 0


def check_paired_tests_come_with_their_plain_language_sentences(demo_program):
    report = report_build(program=demo_program, lang="id")
    text = " ".join(
        b.text for s in report.sections for b in s.blocks if hasattr(b, "text") and b.text
    )
    assert "uji McNemar eksak p = 0,016" in text
    assert "(6/15) menjadi 86,7 % (13/15)" in text
    assert "Stuart-Maxwell" in text
    assert "Wilcoxon" in text
    transitions = next(t for t in report.tables if t.key == "smoothness_pairs")
    assert [c.text for c in transitions.foot[0][1:]] == ["13", "2", "15"]


def test_pdf_shows_the_tables_and_its_first_page_is_saved_for_review(demo_program):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for lang in ("id", "en"):
        report = report_build(program=demo_program, lang=lang)
        name, content_type, content = render(report, fmt="pdf")
        assert content_type == "application/pdf"
        path = ARTIFACTS / name
        path.write_bytes(content)
        reader = PdfReader(io.BytesIO(content))
        text = "\n".join(page.extract_text() for page in reader.pages)
        flat = " ".join(text.split())
        expected = KNOWLEDGE_ID if lang == "id" else KNOWLEDGE_EN
        for label, n_before, pct_before, n_after, pct_after in expected:
            assert f"{label} {n_before} {pct_before} {n_after} {pct_after}" in flat
        assert ("Halaman 1" if lang == "id" else "Page 1") in flat or "1 of" in flat
        fonts = {
            str(f["/BaseFont"])
            for page in reader.pages
            for f in (page["/Resources"].get("/Font") or {}).values()
        }
        assert any("DejaVu" in f for f in fonts)
        assert not any(s in text for s in personal_strings())
        if shutil.which("pdftoppm"):
            subprocess.run(
                ["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "3", str(path),
                 str(ARTIFACTS / f"{path.stem}-page")],
                check=True,
            )  # fmt: skip


def check_word_file_has_real_editable_tables_with_the_numbers(demo_program):
    report = report_build(program=demo_program, lang="id")
    _name, _type, content = render(report, fmt="docx")
    doc = Document(io.BytesIO(content))
    rows = [tuple(cell.text for cell in row.cells) for table in doc.tables for row in table.rows]
    assert ("1", "Baik", "2", "13,3 %", "10", "66,7 %") in rows
    assert ("2", "Belum lancar", "9", "60,0 %", "2", "13,3 %") in rows
    assert len(doc.tables) == len(report.tables)
    assert len(doc.inline_shapes) == len(report.figures)
    full = "\n".join(p.text for p in doc.paragraphs)
    assert not any(s in full for s in personal_strings())


def check_excel_has_a_sheet_per_table_the_data_and_a_codebook(demo_program):
    report = report_build(program=demo_program, lang="en")
    _name, _type, content = render(report, fmt="xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(content))
    for table in report.tables:
        assert any(ws.title.startswith(table.key[:20]) for ws in wb.worksheets)
    ws = wb["knowledge"]
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=4, max_row=6)]
    assert values[0][1:] == ["Good", 2, 13.3, 10, 66.7]
    assert values[2][1:] == ["Poor", 8, 53.3, 1, 6.7]
    assert ws.cell(row=4, column=4).number_format == "0.0"
    data = wb["data"]
    header = [c.value for c in data[1]]
    assert header[:2] == ["id", "timepoint"]
    assert data.max_row == 1 + 2 * 15
    cat = header.index("knowledge_test_cat") + 1
    pre = [data.cell(row=r, column=cat).value for r in range(2, 32, 2)]
    assert sorted(pre) == [1] * 8 + [2] * 5 + [3] * 2  # kurang=1, cukup=2, baik=3
    codebook = {row[0].value: row for row in wb["codebook"].iter_rows(min_row=2)}
    assert "3 = Good" in codebook["knowledge_test_cat"][3].value
    every = " ".join(str(c.value) for w in wb.worksheets for row in w.iter_rows() for c in row)
    assert not any(s in every for s in personal_strings())


def check_spss_file_keeps_variable_and_value_labels(demo_program, tmp_path):
    report = report_build(program=demo_program, lang="id")
    _name, content_type, content = render(report, fmt="sav")
    path = tmp_path / "r.sav"
    path.write_bytes(content)
    df, meta = pyreadstat.read_sav(str(path))
    assert len(df) == 30
    assert meta.column_names_to_labels["knowledge_test_score"].endswith("(% maksimum)") or (
        "knowledge_test_score" in meta.column_names_to_labels
    )
    labels = meta.variable_value_labels["milk_smoothness_cat"]
    assert labels == {1.0: "Belum lancar", 2.0: "Lancar"}
    post = df[df["timepoint"] == 2]["milk_smoothness_cat"].value_counts().to_dict()
    assert post == {2.0: 13, 1.0: 2}


def check_csv_zip_has_tidy_data_and_a_codebook(demo_program):
    report = report_build(program=demo_program, lang="en")
    name, content_type, content = render(report, fmt="csv")
    assert name.endswith(".zip")
    assert content_type == "application/zip"
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        names = zf.namelist()
        data = next(n for n in names if n.endswith("data.csv"))
        book = next(n for n in names if n.endswith("codebook.csv"))
        rows = list(csv.DictReader(io.StringIO(zf.read(data).decode("utf-8-sig"))))
        codebook = list(csv.reader(io.StringIO(zf.read(book).decode("utf-8-sig"))))
    assert len(rows) == 30
    assert {r["timepoint"] for r in rows} == {"1", "2"}
    assert all(r["id"].startswith("P-") for r in rows)  # fresh pseudonyms, never LK- ids
    assert [r[0] for r in codebook[1:]] == [v.name for v in report.data.variables]


def check_every_format_renders_in_both_languages(demo_program):
    for fmt in FORMATS:
        if fmt == "pdf":
            continue  # tested on its own
        for lang in ("id", "en"):
            report = report_build(program=demo_program, lang=lang)
            name, _content_type, content = render(report, fmt=fmt)
            assert content
            assert f"-{lang}." in name


# The demo takes a while to load, so each test below checks several behaviours on one load.


def test_demo_report_reproduces_the_article_with_paired_tests_and_checked_percentages(
    demo_program,
):
    check_knowledge_table_reproduces_the_article_margins(demo_program)
    check_published_percentages_are_checked_and_the_misprint_explained(demo_program)
    check_paired_tests_come_with_their_plain_language_sentences(demo_program)


def test_word_excel_spss_and_csv_files_carry_the_numbers_and_labels(demo_program, tmp_path):
    check_word_file_has_real_editable_tables_with_the_numbers(demo_program)
    check_excel_has_a_sheet_per_table_the_data_and_a_codebook(demo_program)
    check_spss_file_keeps_variable_and_value_labels(demo_program, tmp_path)
    check_csv_zip_has_tidy_data_and_a_codebook(demo_program)
    check_every_format_renders_in_both_languages(demo_program)
