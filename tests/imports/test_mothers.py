"""The mothers template, including the messy files people really produce."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from laktasi.core.crypto import keyed_hash
from laktasi.imports.models import ImportRowKey, ImportStatus
from laktasi.mothers.models import Baby, Companion, Mother
from laktasi.mothers.selectors import mother_list
from tests.imports.conftest import FIXTURES, run_import, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def errors_by_row(job):
    out = {}
    for e in job.errors:
        out.setdefault(e["row"], []).append((e["column"], e["message"]))
    return out


def test_messy_windows_1252_semicolon_file_gives_clear_row_errors(world):
    with translation.override("en"):
        job, plan = run_import(FIXTURES / "mothers_messy_cp1252.csv", facility=world.melati,
                               valid_only=True)  # fmt: skip
    assert (job.rows_read, job.created, job.updated, job.skipped, job.rejected) == (7, 3, 0, 0, 4)
    errors = errors_by_row(job)
    assert set(errors) == {5, 8, 9, 10}
    assert errors[5][0][0] == "NIK"
    assert "damaged by Excel" in errors[5][0][1]
    assert errors[8] == [("Tanggal Lahir", "Unrecognised date 31/02/1996; write dd/mm/yyyy.")]
    assert errors[9][0][0] == "Nama Ibu"
    assert {c for c, _m in errors[10]} == {"Paritas", "Pendidikan"}
    siti = Mother.objects.get(nik_hash=keyed_hash("3523124509950002"))
    assert siti.full_name == "Siti Aminah"
    assert siti.phone == "081234567890"
    assert siti.address == "RT 01 / RW 02"
    assert siti.education == "sma"
    assert siti.occupation == "housewife"
    assert siti.babies.get().birth_weight_g == 3100
    assert siti.companions.get().name == "Ahmad Fauzi"
    assert siti.consents.count() == 1
    nuraini = Mother.objects.get(full_name="Nur\u2019aini")
    assert nuraini.birth_date == date(1995, 10, 28)  # Excel serial 35000
    assert nuraini.babies.get().sex == "M"
    assert Mother.objects.get(full_name="Sri Wahyuni").consents.count() == 0


def test_reimporting_the_mothers_file_creates_nothing(world):
    run_import(FIXTURES / "mothers_messy_cp1252.csv", facility=world.melati, valid_only=True)
    counts = (Mother.objects.count(), Baby.objects.count(), Companion.objects.count())
    job, _ = run_import(FIXTURES / "mothers_messy_cp1252.csv", facility=world.melati,
                        valid_only=True)  # fmt: skip
    assert (job.created, job.updated, job.skipped, job.rejected) == (0, 0, 3, 4)
    assert (Mother.objects.count(), Baby.objects.count(), Companion.objects.count()) == counts
    assert ImportRowKey.objects.filter(key__endswith=":3").count() == 1


def test_utf8_bom_template_with_spaces_in_nik_and_iso_dates(world):
    with translation.override("en"):
        job, _ = run_import(FIXTURES / "mothers_bom_utf8.csv", facility=world.melati)
    assert job.status == ImportStatus.REFUSED
    assert {e["row"] for e in job.errors} == {2, 3}
    assert Mother.objects.count() == 3  # the world's own, nothing imported


def test_a_row_without_nik_or_row_id_is_rejected(world, tmp_path):
    path = write_csv(tmp_path / "m.csv", ["full_name", "birth_date", "parity"],
                     [["Ibu Tanpa Kunci", "01/01/1990", "1"]])  # fmt: skip
    job, _ = run_import(path, facility=world.melati)
    assert job.rejected == 1
    assert "row_id" in job.errors[0]["message"]


def test_changed_row_updates_the_mother_and_identical_row_is_skipped(world, tmp_path):
    header = ["nik", "full_name", "birth_date", "parity", "phone"]
    path = write_csv(tmp_path / "m.csv", header,
                     [["3523120101950001", "Siti Melati", "01/05/1995", "2", "0811111111"]])  # fmt: skip
    job, _ = run_import(path, user=world.users["kader"], facility=world.melati)
    assert (job.updated, job.created) == (1, 0)
    mother = world.mothers["melati"]
    mother.refresh_from_db()
    assert (mother.parity, mother.phone) == (2, "0811111111")
    job, _ = run_import(path, user=world.users["kader"], facility=world.melati)
    assert (job.updated, job.skipped) == (0, 1)


def test_nik_of_a_mother_outside_the_users_area_is_not_revealed_nor_duplicated(world, tmp_path):
    path = write_csv(tmp_path / "m.csv", ["nik", "full_name", "birth_date", "parity"],
                     [["3523120101950001", "Siti", "01/05/1995", "1"]])  # fmt: skip
    job, _ = run_import(path, user=world.users["kader_mawar"], facility=world.mawar)
    assert job.rejected == 1
    assert Mother.objects.count() == 3


def test_xlsx_with_title_row_formula_numeric_nik_and_date_cells(world, tmp_path):
    header = ["row_id", "NIK", "Nama", "Tanggal lahir", "Paritas"]
    rows = [
        ["r1", 3523124509950000, "YULI", date(1995, 9, 5), 1],
        ["r2", "3523124509950099", "Rini", 35000, "=1+1"],
        ["r3", "3523124509950098", "Tari", "05/09/1995", 2],
    ]
    path = write_xlsx(tmp_path / "m.xlsx", header, rows, above=[["DAFTAR IBU", None, None]])
    with translation.override("en"):
        job, _ = run_import(path, facility=world.melati, valid_only=True)
    errors = errors_by_row(job)
    assert job.rows_read == 3
    assert job.created == 1
    assert "last digit" in errors[3][0][1]
    assert "Formulas are not read" in errors[4][0][1]
    assert Mother.objects.filter(full_name="Tari").exists()


def test_mothers_imported_with_a_program_are_enrolled_and_a_coordinator_then_sees_them(world):
    job, _ = run_import(FIXTURES / "mothers_messy_cp1252.csv", facility=world.melati,
                        program=world.program, valid_only=True)  # fmt: skip
    assert job.created == 3
    siti = Mother.objects.get(nik_hash=keyed_hash("3523124509950002"))
    assert siti.enrollments.filter(program=world.program).exists()
    assert mother_list(user=world.users["coordinator"]).filter(pk=siti.pk).exists()
    again, _ = run_import(FIXTURES / "mothers_messy_cp1252.csv", facility=world.melati,
                          program=world.program, valid_only=True)  # fmt: skip
    assert (again.created, again.updated, again.skipped) == (0, 0, 3)
