"""Writes for mapped imports: record the upload with a suggested mapping, confirm it.

The saved mapping of a program's form (same question headers) is offered for its next file;
otherwise laktasi's suggestion (:mod:`.suggest`). A mapping is used only once the user has
confirmed it (or passed it to the CLI): the identifier column and the timepoint are never
assumed.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from laktasi.accounts.models import User
from laktasi.imports.mapping.models import ColumnMapping, MappedImport
from laktasi.imports.mapping.spec import MappingSpec, form_key
from laktasi.imports.mapping.suggest import header_score, suggest
from laktasi.imports.models import ImportJob, ImportKind, ImportStatus
from laktasi.imports.parsers import FileRejected, Table, read_table
from laktasi.imports.services import importjob_create
from laktasi.imports.storage import file_path
from laktasi.programs.models import Program


def mapped_file_read(path: Path) -> Table:
    """The file's table as a mapped import reads it (ValidationError when unreadable)."""
    try:
        return read_table(path, header_score=header_score)
    except FileRejected as exc:
        raise ValidationError(exc.render()) from exc


def mapping_for(*, program: Program, header: list[str]) -> ColumnMapping | None:
    """The program's saved mapping for this form: the same question headers, else the most
    recent mapping whose every column is in this header."""
    saved = ColumnMapping.objects.filter(program=program)
    exact = saved.filter(form_key=form_key(header)).first()
    if exact is not None:
        return exact
    present = set(header)
    for mapping in saved[:50]:
        columns = set(mapping.spec.get("columns") or {}) | {mapping.spec.get("identifier_column")}
        if columns and columns <= present:
            return mapping
    return None


def mapped_import_create(
    *,
    path: Path,
    file_name: str,
    user: User | None,
    program: Program,
    spec: MappingSpec | None = None,
) -> ImportJob:
    """Record an upload to be read through a mapping.

    With ``spec`` (the CLI's ``--mapping``) the mapping is checked against the file and
    confirmed at once; without it the job waits for the user to confirm the suggested (or
    saved) mapping on the mapping page.
    """
    table = mapped_file_read(path)
    saved, given = None, spec is not None
    if spec is not None:
        try:
            spec.check(table.header)
        except FileRejected as exc:
            raise ValidationError(exc.render()) from exc
    else:
        saved = mapping_for(program=program, header=table.header)
        spec = MappingSpec.from_json(saved.spec) if saved else suggest(table).spec()
    with transaction.atomic():
        job = importjob_create(
            path=path,
            file_name=file_name,
            user=user,
            kind=ImportKind.RESPONSES,
            program=program,
            instrument_id=spec.instrument,
            instrument_version=spec.version,
        )
        MappedImport.objects.create(job=job, mapping=saved, spec=spec.to_json(), confirmed=given)
    return job


def mapped_import_confirm(
    *, job: ImportJob, spec: MappingSpec, user: User | None, table: Table | None = None
) -> MappedImport:
    """Confirm (or correct) a job's mapping and save it as the program's mapping of this form.

    Raises ValidationError with the mapping's problem (nothing saved then).
    """
    if job.status not in (ImportStatus.PREVIEWED, ImportStatus.REFUSED):
        raise ValidationError(_("This file has already been imported."))
    if table is None:
        with file_path(job) as path:  # the upload is stored encrypted (imports/storage.py)
            table = mapped_file_read(path)
    try:
        spec.check(table.header)
    except FileRejected as exc:
        raise ValidationError(exc.render()) from exc
    mapped = job.mapped
    with transaction.atomic():
        mapping, _created = ColumnMapping.objects.update_or_create(
            program=job.program,
            form_key=form_key(table.header),
            defaults={
                "name": job.file_name[:200],
                "instrument_id": spec.instrument,
                "spec": spec.to_json(),
                "created_by": user,
            },
        )
        mapped.spec, mapped.confirmed, mapped.mapping = spec.to_json(), True, mapping
        mapped.save()
        job.instrument_id, job.instrument_version = spec.instrument, spec.version
        job.save(update_fields=["instrument_id", "instrument_version"])
    return mapped
