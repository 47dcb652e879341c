"""Attendance imports, the web pages (upload → preview → commit) and the CLI."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from laktasi.imports.models import ImportJob, ImportStatus
from laktasi.instruments.models import Response
from laktasi.programs.models import Attendance
from laktasi.programs.services import session_create
from tests.conftest import PASSWORD
from tests.imports.conftest import kobo_export, run_import, write_csv

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def session(world):
    return session_create(program=world.program, starts_at=datetime(2025, 1, 25, 9, tzinfo=WIB),
                          venue="Balai desa", facilitator="Bidan", agenda=[("presentation", 30)])  # fmt: skip


def test_attendance_by_session_date_then_update_and_skip(world, session, tmp_path):
    melati = world.mothers["melati"].identifier
    path = write_csv(tmp_path / "a.csv", ["ID ibu", "tanggal sesi", "pendamping hadir"],
                     [[melati, "25/01/2025", "tidak"]])  # fmt: skip
    job, _ = run_import(path, program=world.program)
    assert (job.kind, job.created) == ("attendance", 1)
    path = write_csv(tmp_path / "b.csv", ["mother_id", "session_date", "companion_present"],
                     [[melati, "25/01/2025", "ya"], [melati, "26/01/2025", "ya"]])  # fmt: skip
    job, _ = run_import(path, program=world.program, valid_only=True)
    assert (job.updated, job.rejected) == (1, 1)
    assert Attendance.objects.get().companion_present is True
    job, _ = run_import(path, program=world.program, valid_only=True)
    assert (job.updated, job.skipped, job.rejected) == (0, 1, 1)


def login(client, world, who):
    client.login(username=world.users[who].username, password=PASSWORD)


def test_web_upload_preview_then_commit(client, world, tmp_path):
    header, rows, _ = kobo_export("knowledge_test",
                                  [{"mother_id": world.mothers["melati"].identifier, "timepoint": "pre"}])  # fmt: skip
    data = write_csv(tmp_path / "k.csv", header, rows).read_bytes()
    login(client, world, "kader")
    page = client.get(reverse("imports:index") + f"?program={world.program.pk}")
    assert page.status_code == 200
    assert reverse("imports:index") in page.content.decode()  # the nav link
    upload = SimpleUploadedFile("kobo.csv", data, content_type="text/csv")
    response = client.post(reverse("imports:index"), {"file": upload, "kind": "auto",
                                                      "program": world.program.pk})  # fmt: skip
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("imports:detail", args=[job.pk])
    assert job.status == ImportStatus.PREVIEWED
    assert Response.objects.count() == 0
    detail = client.get(response.url)
    assert detail.status_code == 200
    client.post(reverse("imports:commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTED
    assert Response.objects.count() == 1
    again = client.post(reverse("imports:commit", args=[job.pk]), follow=True)
    assert again.status_code == 200
    assert Response.objects.count() == 1


def test_web_preview_lists_rejected_rows_and_offers_them_back(client, world, tmp_path):
    header, rows, _ = kobo_export("knowledge_test",
                                  [{"mother_id": "LK-ZZZZZZZZ", "timepoint": "pre"}])  # fmt: skip
    data = write_csv(tmp_path / "k.csv", header, rows).read_bytes()
    login(client, world, "bidan")
    client.post(reverse("imports:index"),
                {"file": SimpleUploadedFile("k.csv", data), "kind": "responses"})  # fmt: skip
    job = ImportJob.objects.get()
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "LK-ZZZZZZZZ" in page
    assert "<table" in page
    xlsx = client.get(reverse("imports:rejected", args=[job.pk]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [r[0] for r in sheet.values][1:] == [2]


def test_viewer_sees_no_import_link_nor_page_and_others_jobs_are_hidden(client, world, tmp_path):
    login(client, world, "viewer")
    assert reverse("imports:index") not in client.get(reverse("programs:list")).content.decode()
    assert client.get(reverse("imports:index")).status_code == 404
    path = write_csv(tmp_path / "a.csv", ["mother_id", "timepoint"], [["LK-AAAAAAAA", "pre"]])
    job, _ = run_import(path, user=world.users["kader"], commit=False)
    client.logout()
    login(client, world, "kader_mawar")
    assert client.get(reverse("imports:detail", args=[job.pk])).status_code == 404


def test_templates_download_with_header_and_instructions(client, world):
    login(client, world, "kader")
    for url in (reverse("imports:template", args=["mothers"]),
                reverse("imports:template", args=["attendance"]),
                reverse("imports:template", args=["responses"]) + "?instrument=knowledge_test"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200
        wb = load_workbook(io.BytesIO(response.content))
        assert len(wb.worksheets) == 2
        assert next(wb.worksheets[0].values)[0]
    assert client.get(reverse("imports:template", args=["nope"])).status_code == 404


def test_cli_dry_run_in_english_then_commit_prints_accounting(world, tmp_path, capsys):
    header, rows, _ = kobo_export("knowledge_test",
                                  [{"mother_id": world.mothers["melati"].identifier, "timepoint": "pre"},
                                   {"mother_id": "LK-ZZZZZZZZ", "timepoint": "pre"}])  # fmt: skip
    path = write_csv(tmp_path / "k.csv", header, rows)
    call_command("import", str(path), "--dry-run", "--lang", "en")
    out = capsys.readouterr().out
    assert "row 3, column mother_id" in out
    assert "created 1 + updated 0 + skipped 0 + rejected 1 = rows read 2" in out
    assert Response.objects.count() == 0
    with pytest.raises(CommandError):
        call_command("import", str(path), "--lang", "en", "--no-progress")
    rejected = tmp_path / "rejected.xlsx"
    call_command("import", str(path), "--lang", "en", "--no-progress", "--valid-only",
                 "--rejected-out", str(rejected))  # fmt: skip
    assert Response.objects.count() == 1
    assert rejected.exists()
    call_command("template", "mothers", "-o", str(tmp_path / "t.xlsx"))
    assert (tmp_path / "t.xlsx").exists()
