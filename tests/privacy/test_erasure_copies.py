"""Issue 16 M4: erasure leaves no copies: stored uploads in any encoding or spelling, the
name searches kept in sessions, and the history of rows deleted before the erasure."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from laktasi.imports.models import ImportedMother, ImportJob, ImportStatus
from laktasi.imports.services import importjob_create
from laktasi.imports.storage import file_bytes, files_purge_expired
from laktasi.mothers.models import Mother
from laktasi.mothers.personal_data import SEARCH_SESSION_KEY
from laktasi.mothers.services import baby_add
from laktasi.privacy.services import mother_erase
from tests.conftest import PASSWORD
from tests.imports.conftest import FIXTURES, run_import, write_csv
from tests.privacy.test_erasure import database_hits

NAME = "Siti Melati"
NIK = "3523120101950001"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _upload(tmp_path: Path, name: str, content: bytes) -> ImportJob:
    path = tmp_path / name
    path.write_bytes(content)
    return importjob_create(path=path, file_name=name, user=None)


def test_m4_erasure_deletes_utf16_messy_and_identifier_keyed_uploads(world, media, tmp_path):
    mother = world.mothers["melati"]
    header = "nama,nik,hp\n"
    kept = "Dewi Mawar,3523120101950099,081299990000\n"
    files = {
        "utf16.csv": (header + f"{NAME},{NIK},081234567890\n").encode("utf-16"),
        "utf16le.csv": (header + f"{NAME},,\n").encode("utf-16-le"),
        "spaces.csv": (header + "SITI   melati,,\n").encode(),
        "nik.csv": (header + "X,3523 1201.0195-0001,\n").encode(),
        "phone.csv": (header + "X,,+62 812-3456-7890\n").encode(),
        "responses.csv": f"mother_id,q1\n{mother.identifier},1\n".encode(),
        "other.csv": (header + kept).encode(),
    }
    jobs = {name: _upload(tmp_path, name, content) for name, content in files.items()}
    for job in jobs.values():
        assert job.file  # stored (encrypted) before the erasure

    mother_erase(mother=mother, by=world.users["admin"])

    remaining = {name for name, job in jobs.items() if ImportJob.objects.get(pk=job.pk).file}
    assert remaining == {"other.csv"}
    assert file_bytes(ImportJob.objects.get(pk=jobs["other.csv"].pk)).endswith(kept.encode())
    stored = [p for p in (media / "imports").rglob("*") if p.is_file()]
    assert len(stored) == 1


def test_m4_every_imported_row_is_linked_to_its_job(world, media):
    job, _ = run_import(
        FIXTURES / "mothers_messy_cp1252.csv", facility=world.melati, valid_only=True
    )
    created = set(Mother.objects.filter(facility=world.melati).exclude(
        pk=world.mothers["melati"].pk).values_list("pk", flat=True))  # fmt: skip
    assert len(created) == job.created == 3
    assert set(job.mother_links.values_list("mother_id", flat=True)) == created
    # Mothers matched by NIK have no row key: the link is what leads erasure to the file.
    assert ImportedMother.objects.filter(job=job).count() == 3
    # A re-import writes nothing, yet its file holds them too: linked as well.
    again, _ = run_import(
        FIXTURES / "mothers_messy_cp1252.csv", facility=world.melati, valid_only=True
    )
    assert again.skipped == 3
    assert set(again.mother_links.values_list("mother_id", flat=True)) == created


def test_m4_uploads_are_encrypted_and_dropped_after_the_retention_period(
    world, media, tmp_path, settings
):
    settings.IMPORT_RETENTION_DAYS = 30
    job = _upload(tmp_path, "daftar.csv", f"nama,nik\n{NAME},{NIK}\n".encode())
    raw = (media / job.file.name).read_bytes()
    assert NAME.encode() not in raw
    assert NIK.encode() not in raw
    assert files_purge_expired() == 0
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=31))
    assert files_purge_expired() == 1
    assert not ImportJob.objects.get(pk=job.pk).file
    assert not any(p.is_file() for p in (media / "imports").rglob("*"))


def test_m4_a_fully_imported_upload_is_deleted_at_commit(
    world, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job, _ = run_import(FIXTURES / "mothers_messy_cp1252.csv", facility=world.melati)
    assert job.status == ImportStatus.REFUSED  # rejected rows: kept to download them
    assert ImportJob.objects.get(pk=job.pk).file
    with django_capture_on_commit_callbacks(execute=True):
        good, _ = run_import(FIXTURES / "mothers_messy_cp1252.csv", facility=world.melati,
                             valid_only=True)  # fmt: skip
    assert good.status == ImportStatus.PARTIAL
    assert ImportJob.objects.get(pk=good.pk).file


def test_m4_committed_upload_without_rejections_is_deleted(
    world, media, tmp_path, django_capture_on_commit_callbacks
):
    path = write_csv(
        tmp_path / "ibu.csv",
        ["row_id", "nama", "tanggal_lahir", "paritas"],
        [["1", "Ani Baru", "01/02/1996", "1"]],
    )
    with django_capture_on_commit_callbacks(execute=True):
        job, _ = run_import(path, facility=world.melati)
    if job.status == ImportStatus.COMMITTED:
        assert not ImportJob.objects.get(pk=job.pk).file
    else:  # the template needs more columns: the test must still see a commit
        pytest.fail(f"fixture row rejected: {job.errors}")


def test_m4_search_terms_naming_her_are_cleared_from_sessions(world, client):
    other = client.__class__()
    for c, username, term in ((client, "kader", "siti  MELATI"), (other, "kader-mawar", "Dewi")):
        c.post(reverse("login"), {"username": username, "password": PASSWORD})
        c.post(reverse("mothers:search"), {"q": term})
    assert client.session.get(SEARCH_SESSION_KEY)
    mother_erase(mother=world.mothers["melati"], by=None)
    assert SEARCH_SESSION_KEY not in client.session
    assert other.session[SEARCH_SESSION_KEY] == "Dewi"
    assert Session.objects.count() == 2  # nobody was logged out


def test_m4_history_of_babies_and_companions_deleted_earlier_is_purged(world):
    mother = world.mothers["melati"]
    twin = baby_add(mother=mother, name="Kembar Melatiana", birth_date=date(2025, 1, 10), sex="M")
    twin.delete()
    mother.companions.get().delete()  # "Suami Siti Melati", and the companion's phone
    assert database_hits(["Kembar Melatiana", "Suami Siti Melati"])
    mother_erase(mother=mother, by=None)
    assert database_hits(["Kembar Melatiana", "Suami Siti Melati"]) == []


def test_low_rejected_rows_download_after_erasure_is_410(world, media, client):
    job, _ = run_import(FIXTURES / "mothers_messy_cp1252.csv", facility=world.melati,
                        user=world.users["kader"], commit=False)  # fmt: skip
    client.force_login(world.users["kader"])
    url = reverse("imports:rejected", args=[job.pk])
    assert client.get(url).status_code == 200
    ImportedMother.objects.create(job=job, mother=world.mothers["melati"])
    mother_erase(mother=world.mothers["melati"], by=None)
    gone = client.get(url)
    assert gone.status_code == 410
    assert "Unggah" in gone.content.decode() or "Upload" in gone.content.decode()
