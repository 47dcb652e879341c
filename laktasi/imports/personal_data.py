"""Personal data in imports (see laktasi/privacy/registry.py).

An import file holds many mothers' rows and has no foreign key to any of them. On erasure,
every stored file that is linked to her (a row key) or whose content names her is deleted
(its rows are already in the database), and the rejected-row and note lists of every job are
scrubbed of her names, NIK and phone.
"""

from __future__ import annotations

import io
import zipfile

from django.db.models import Q

from laktasi.imports.models import ImportJob, ImportRowKey, SubmissionVersion
from laktasi.privacy.registry import declare
from laktasi.privacy.services import scrub


def _file_text(job: ImportJob) -> str:
    try:
        with job.file.open("rb") as handle:
            raw = handle.read()
    except (OSError, ValueError):
        return ""
    if raw[:2] == b"PK":  # xlsx: the strings live in XML parts of the zip
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                raw = b" ".join(archive.read(name) for name in archive.namelist())
        except zipfile.BadZipFile:
            pass
    return raw.decode("utf-8", errors="ignore")


def erase_import_data(*, mother, strings: list[str]) -> int:
    linked = set(ImportRowKey.objects.filter(mother=mother).values_list("job_id", flat=True))
    lowered = [s.lower() for s in strings]
    touched = 0
    for job in ImportJob.objects.exclude(Q(file="") | Q(file__isnull=True)):
        text = _file_text(job).lower()
        if job.pk in linked or any(s in text for s in lowered):
            job.file.storage.delete(job.file.name)
            ImportJob.objects.filter(pk=job.pk).update(file="")
            touched += 1
    for job in ImportJob.objects.all():
        errors, notes = scrub(job.errors, strings), scrub(job.notes, strings)
        file_name = scrub(job.file_name, strings)
        if (errors, notes, file_name) != (job.errors, job.notes, job.file_name):
            ImportJob.objects.filter(pk=job.pk).update(
                errors=errors, notes=notes, file_name=file_name
            )
            touched += 1
    return touched


declare(ImportRowKey, path="mother", fields={})
# Only the instance IDs of imported edits (no personal field); goes with the response.
declare(SubmissionVersion, path="response__mother", fields={})
declare(ImportJob, path=None, erase=erase_import_data)
