"""Personal data in imports (see laktasi/privacy/registry.py).

An import file holds many mothers' rows. On erasure, every stored upload that holds her is
deleted (its rows are already in the database): the jobs linked to her
(:class:`ImportedMother`, :class:`ImportRowKey`), and any other stored file whose text names
her once decrypted and normalised: UTF-8 or UTF-16, names with any spacing and case, NIK and
phone with any separators or country code, and her laktasi identifier (responses and
attendance files name her only by it). The rejected-row and note lists of every job are
scrubbed of her names, NIK and phone.
"""

from __future__ import annotations

import io
import re
import zipfile

from django.db.models import Q

from laktasi.imports.models import ImportedMother, ImportJob, ImportRowKey, SubmissionVersion
from laktasi.imports.storage import file_bytes, file_discard
from laktasi.privacy.registry import declare
from laktasi.privacy.services import scrub


def _decode(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="ignore")
    head = raw[:4096]
    if head and head.count(b"\x00") * 4 > len(head):  # UTF-16 without a byte-order mark
        little = head[1::2].count(b"\x00") > head[0::2].count(b"\x00")
        return raw.decode("utf-16-le" if little else "utf-16-be", errors="ignore")
    return raw.decode("utf-8", errors="ignore")


def _file_text(job: ImportJob) -> str:
    try:
        raw = file_bytes(job)
    except (OSError, ValueError):
        return ""
    if raw[:2] == b"PK":  # xlsx: the strings live in XML parts of the zip
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                raw = b" ".join(archive.read(name) for name in archive.namelist())
        except zipfile.BadZipFile:
            pass
    return _decode(raw)


def _needles(mother, strings: list[str]) -> tuple[list[str], list[str]]:
    """(words to find in normalised text, digit runs to find in the text's digits)."""
    words, numbers = [mother.identifier.lower()], []
    for value in strings:
        digits = re.sub(r"\D", "", value)
        if len(digits) >= 8 and len(digits) * 2 >= len(value):
            # A phone's national part (without 0 / 62), or a NIK.
            numbers.append(re.sub(r"^(62|0)", "", digits) if len(digits) < 16 else digits)
        else:
            words.append(" ".join(value.lower().split()))
    return words, numbers


def _names_her(text: str, words: list[str], numbers: list[str]) -> bool:
    normal = " ".join(text.lower().split())
    if any(w and w in normal for w in words):
        return True
    digits = re.sub(r"\D", "", text)
    return any(n and n in digits for n in numbers)


def erase_import_data(*, mother, strings: list[str]) -> int:
    linked = set(ImportRowKey.objects.filter(mother=mother).values_list("job_id", flat=True))
    linked |= set(ImportedMother.objects.filter(mother=mother).values_list("job_id", flat=True))
    words, numbers = _needles(mother, strings)
    touched = 0
    for job in ImportJob.objects.exclude(Q(file="") | Q(file__isnull=True)):
        if job.pk in linked or _names_her(_file_text(job), words, numbers):
            file_discard(job=job)
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
declare(ImportedMother, path="mother", fields={})
# Only the instance IDs of imported edits (no personal field); goes with the response.
declare(SubmissionVersion, path="response__mother", fields={})
declare(ImportJob, path=None, erase=erase_import_data)
