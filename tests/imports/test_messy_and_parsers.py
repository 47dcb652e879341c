"""Messy responses files, and the cell and file parsers on what spreadsheets really contain."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from laktasi.imports import parsers
from laktasi.imports.parsers import CellError, FileRejected, read_table
from laktasi.instruments.models import Response
from tests.imports.conftest import FIXTURES, run_import

pytestmark = pytest.mark.django_db


def test_messy_knowledge_test_file_matched_by_nik(world):
    with translation.override("en"):
        job, _ = run_import(FIXTURES / "responses_knowledge_messy.csv", program=world.program,
                            valid_only=True)  # fmt: skip
    assert (job.rows_read, job.created, job.rejected) == (6, 2, 4), job.errors
    by_row = {e["row"]: (e["column"], e["message"]) for e in job.errors}
    assert by_row[4][0] == "nik"
    assert "damaged by Excel" in by_row[4][1]
    assert by_row[5][0] == "followup_number"
    assert by_row[6][0] == "k05_early_initiation"
    assert by_row[7][0] == "_uuid"
    assert set(Response.objects.values_list("timepoint", flat=True)) == {"pre", "post"}
    again, _ = run_import(FIXTURES / "responses_knowledge_messy.csv", program=world.program,
                          valid_only=True)  # fmt: skip
    assert (again.created, again.skipped, again.rejected) == (0, 2, 4)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("25/01/2025", date(2025, 1, 25)), ("25-01-2025", date(2025, 1, 25)),
     ("2025-01-25", date(2025, 1, 25)), ("2025-01-25T09:00:00.000+07:00", date(2025, 1, 25)),
     (45682, date(2025, 1, 25)), ("45682", date(2025, 1, 25)), ("", None), (None, None)],
)  # fmt: skip
def test_dates_people_type(raw, expected):
    assert parsers.parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["31/02/2025", "25/13/2025", "kemarin", "12", 5])
def test_impossible_dates_are_cell_errors(raw):
    with pytest.raises(CellError):
        parsers.parse_date(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("3,5", Decimal("3.5")), ("1.234,5", Decimal("1234.5")), ("1,234.5", Decimal("1234.5")),
     ("3.5", Decimal("3.5")), (" 7 ", Decimal("7"))],
)  # fmt: skip
def test_decimal_comma(raw, expected):
    assert parsers.parse_decimal(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [("3.100", 3100), ("3,0", 3), (2.0, 2), ("", None)])
def test_whole_numbers(raw, expected):
    assert parsers.parse_int(raw) == expected


@pytest.mark.parametrize("raw", ["3.52E+15", "3,52312E+15", 3523120101950000, "12345", 3.5])
def test_damaged_or_short_nik_is_refused(raw):
    with pytest.raises(CellError):
        parsers.parse_nik(raw)


def test_nik_with_spaces_dots_or_apostrophe_is_cleaned():
    assert parsers.parse_nik("'3523.1201.0195.0001 ") == "3523120101950001"
    assert parsers.parse_nik(3523120101950001) == "3523120101950001"


def test_names_in_capitals_are_title_cased_and_mixed_case_kept():
    assert parsers.normalise_name("  SITI   AMINAH ") == "Siti Aminah"
    assert parsers.normalise_name("siti aminah") == "Siti Aminah"
    assert parsers.normalise_name("Siti binti McArthur") == "Siti binti McArthur"


def score(cells):
    return sum(1 for c in cells if c in {"a", "b"})


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_encodings_and_delimiters(tmp_path, encoding, delimiter):
    text = f"judul\n\na{delimiter}b\nJos\u00e9{delimiter}1\n{delimiter}\n"
    path = tmp_path / "f.csv"
    path.write_bytes(text.encode(encoding))
    table = read_table(path, header_score=score)
    assert table.header == ["a", "b"]
    assert table.header_row == 3
    assert table.rows == [(4, ["Jos\u00e9", "1"])]


def test_zip_bomb_is_refused_before_openpyxl(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", "0" * 50_000_000)
    with translation.override("en"), pytest.raises(FileRejected, match="unsafe"):
        read_table(path, header_score=score)


def test_old_xls_empty_binary_and_broken_xlsx_are_refused(tmp_path):
    for name, data in [("a.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100), ("b.csv", b""),
                       ("c.csv", b"\x00\x01\x02" * 50), ("d.xlsx", b"PK\x03\x04broken")]:  # fmt: skip
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(FileRejected):
            read_table(path, header_score=score)


def test_row_and_size_limits(tmp_path, settings):
    settings.IMPORT_MAX_ROWS = 5
    path = tmp_path / "many.csv"
    path.write_text("a,b\n" + "1,2\n" * 6)
    with translation.override("en"), pytest.raises(FileRejected, match="too many rows"):
        read_table(path, header_score=score)
    settings.IMPORT_MAX_MB = 0
    with translation.override("en"), pytest.raises(FileRejected, match="too large"):
        read_table(path, header_score=score)


def test_formula_cells_are_never_evaluated(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["a", "b"])
    wb.active.append(["=1+1", "x"])
    buf = io.BytesIO()
    wb.save(buf)
    path = tmp_path / "f.xlsx"
    path.write_bytes(buf.getvalue())
    table = read_table(path, header_score=score)
    assert table.rows[0][1][0] is parsers.FORMULA
    with pytest.raises(CellError):
        parsers.parse_int(table.rows[0][1][0])
