"""Uploaded import files at rest: encrypted, and kept no longer than they are needed.

An upload holds many mothers' names, NIKs and phones. It is stored encrypted with the field
key ring (``LAKTASI_FIELD_KEYS``, Fernet), decrypted only into a private temporary file while
it is read, deleted as soon as a commit leaves nothing to download (every row imported), and
otherwise deleted ``LAKTASI_IMPORT_RETENTION_DAYS`` after the upload (checked at every upload
and by ``laktasi imports_purge``). Files stored before encryption are still read.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils import timezone

from laktasi.core import crypto
from laktasi.imports.models import ImportJob, ImportStatus

MAGIC = b"LAKTASI-ENC-1\n"


def file_store(*, job: ImportJob, path: Path) -> None:
    """Encrypt the upload at ``path`` into the job's file (not saved to the database)."""
    token = crypto.keyring().encrypt(path.read_bytes())
    job.file.save(job.file_name, ContentFile(MAGIC + token), save=False)


def file_bytes(job: ImportJob) -> bytes:
    """The upload as it was sent (decrypted). Raises FileNotFoundError when it is gone."""
    if not job.file:
        raise FileNotFoundError("the uploaded file is no longer kept")
    with job.file.open("rb") as handle:
        data = handle.read()
    if data.startswith(MAGIC):
        return crypto.keyring().decrypt(data[len(MAGIC) :])
    return data


@contextlib.contextmanager
def upload_on_disk(upload) -> Iterator[Path]:
    """A browser upload written to a private temporary file, removed afterwards (the services
    read files by path and store them encrypted themselves)."""
    with tempfile.TemporaryDirectory(prefix="laktasi-upload-") as tmp:
        path = Path(tmp) / "upload"
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        yield path


@contextlib.contextmanager
def file_path(job: ImportJob) -> Iterator[Path]:
    """A private temporary copy of the decrypted upload, removed afterwards."""
    data = file_bytes(job)
    with tempfile.TemporaryDirectory(prefix="laktasi-import-") as tmp:
        # The original suffix: openpyxl refuses a workbook whose name does not end in .xlsx.
        suffix = Path(job.file.name).suffix[:6]
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        path.chmod(0o600)
        yield path


def file_discard(*, job: ImportJob) -> bool:
    """Delete the stored upload (its rows are in the database or were refused)."""
    if not job.file:
        return False
    job.file.storage.delete(job.file.name)
    ImportJob.objects.filter(pk=job.pk).update(file="")
    job.file = ""
    return True


def files_purge_expired(*, now=None) -> int:
    """Delete every stored upload older than the retention period; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.IMPORT_RETENTION_DAYS)
    jobs = (
        ImportJob.objects.filter(created_at__lt=cutoff)
        .exclude(Q(file="") | Q(file__isnull=True))
        .exclude(status=ImportStatus.RUNNING)
    )
    return sum(file_discard(job=job) for job in jobs)
