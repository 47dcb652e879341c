"""Writes for imports: store an upload, preview it, commit it all-or-nothing.

A commit re-plans the file inside one database transaction (so it sees the current state)
and writes every valid row or nothing. By default a file with rejected rows is refused as a
whole; with ``valid_only`` the valid rows are written and the rejected ones can be
downloaded as a spreadsheet (:mod:`laktasi.imports.exports`) to fix and upload again.
Re-importing the same file changes nothing: rows already in laktasi are counted as skipped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from laktasi.accounts.models import User
from laktasi.core.batch import paused_gc
from laktasi.imports.importers.attendance import AttendanceImporter
from laktasi.imports.importers.base import Context, Importer, Plan
from laktasi.imports.importers.mothers import MothersImporter
from laktasi.imports.importers.responses import ResponsesImporter
from laktasi.imports.mapping.apply import MappedRows, mapped_read
from laktasi.imports.models import ImportedMother, ImportJob, ImportKind, ImportStatus
from laktasi.imports.parsers import FileRejected, Table, read_table
from laktasi.imports.pull.rows import PulledRows, pulled_table
from laktasi.imports.selectors import can_import, importable_facilities, importable_programs
from laktasi.imports.storage import file_discard, file_path, file_store, files_purge_expired
from laktasi.places.models import Facility
from laktasi.programs.models import Program

IMPORTERS: dict[str, type[Importer]] = {
    ImportKind.RESPONSES: ResponsesImporter,
    ImportKind.MOTHERS: MothersImporter,
    ImportKind.ATTENDANCE: AttendanceImporter,
}
MAX_STORED_ERRORS = 1000
MSG_FILE_GONE = _(
    "The uploaded file is no longer kept (it was imported, erased or past its retention "
    "period). Upload it again."
)
MAX_DETAIL = 50  # lines of identifiers and updates shown in a preview
AUTO = "auto"


def importjob_create(
    *,
    path: Path,
    file_name: str,
    user: User | None,
    kind: str = AUTO,
    program: Program | None = None,
    facility: Facility | None = None,
    instrument_id: str = "",
    instrument_version: str = "",
) -> ImportJob:
    """Record an upload and keep a copy under ``MEDIA_ROOT/imports/``.

    ``user=None`` is the command-line operator (not scoped). A web user may only import into
    programs and facilities in their scope.
    """
    if user is not None:
        if not can_import(user=user):
            raise PermissionDenied("this account cannot import")
        if (
            program is not None
            and not importable_programs(user=user).filter(pk=program.pk).exists()
        ):
            raise ValidationError({"program": _("This program is not in your area.")})
        if (
            facility is not None
            and not importable_facilities(user=user).filter(pk=facility.pk).exists()
        ):
            raise ValidationError({"facility": _("This facility is not in your area.")})
    if kind != AUTO and kind not in IMPORTERS:
        raise ValidationError({"kind": _("Unknown kind of import.")})
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    job = ImportJob(
        kind=kind if kind != AUTO else "",
        file_name=Path(file_name).name[:255] or "upload",
        file_sha256=digest.hexdigest(),
        file_size=size,
        created_by=user,
        program=program,
        facility=facility,
        instrument_id=instrument_id,
        instrument_version=instrument_version,
    )
    files_purge_expired()
    file_store(job=job, path=path)
    job.save()
    return job


def _context(job: ImportJob) -> Context:
    return Context(
        user=job.created_by if job.created_by_id else None,
        program=job.program,
        facility=job.facility,
        instrument_id=job.instrument_id,
        instrument_version=job.instrument_version,
        accept_incomplete=job.accept_incomplete,
    )


def _read(job: ImportJob) -> tuple[Importer, Table]:
    try:
        with file_path(job) as path:
            return _read_path(job, path)
    except FileNotFoundError as exc:
        raise FileRejected(MSG_FILE_GONE) from exc


def _read_path(job: ImportJob, path: Path) -> tuple[Importer, Table]:
    if hasattr(job, "mapped"):  # read through a column mapping (Google Forms, any sheet)
        return ResponsesImporter(), mapped_read(path, job.mapped)
    if job.kind:
        importer = IMPORTERS[job.kind]()
        return importer, pulled_table(read_table(path, header_score=importer.header_score), job)
    candidates = [cls() for cls in IMPORTERS.values()]

    def best_score(cells: list[str]) -> int:
        return max(imp.header_score(cells) for imp in candidates)

    table = read_table(path, header_score=best_score)
    importer = max(candidates, key=lambda imp: imp.header_score(table.header))
    job.kind = importer.kind
    return importer, table


def importjob_plan(*, job: ImportJob) -> Plan:
    """What a commit would do now, without writing anything. Never raises for bad data."""
    with paused_gc():
        return _plan(job)


def _plan(job: ImportJob) -> Plan:
    try:
        importer, table = _read(job)
    except FileRejected as exc:
        plan = Plan(kind=job.kind or AUTO, file_error=exc.render())
        return plan
    try:
        plan = importer.plan(table, _context(job))
    except FileRejected as exc:
        plan = Plan(kind=importer.kind, rows_read=len(table.rows), file_error=exc.render())
        for row, _cells in table.rows:
            plan.reject(row, "", "", plan.file_error)
    if isinstance(table, MappedRows | PulledRows):  # notes of a mapped or a pulled import
        plan = table.finish(plan)
    plan.header, plan.header_row = table.header, table.header_row
    plan.errors.sort(key=lambda e: e.row)
    plan.check()
    return plan


def _record(job: ImportJob, plan: Plan, status: str) -> None:
    """Store the plan's counts: done for committed/partial jobs, "would be" otherwise."""
    counts = plan.counts
    job.rows_read, job.created, job.updated = (
        counts["rows_read"],
        counts["created"],
        counts["updated"],
    )
    job.skipped, job.rejected = counts["skipped"], counts["rejected"]
    job.errors = [e.to_dict() for e in plan.errors[:MAX_STORED_ERRORS]]
    job.notes = ([plan.file_error] if plan.file_error else []) + plan.notes + preview_notes(plan)
    job.missing_items = plan.missing_items
    job.instrument_id = plan.instrument_id or job.instrument_id
    job.instrument_version = plan.instrument_version or job.instrument_version
    if not job.kind:
        job.kind = plan.kind if plan.kind in IMPORTERS else ImportKind.RESPONSES
    job.status = status
    if status != ImportStatus.PREVIEWED:
        job.finished_at = timezone.now()


def preview_notes(plan: Plan) -> list[str]:
    """What the preview shows besides the counts: identifiers read differently from how they
    were written, and what each update (an edit in KoboToolbox / ODK Central) changes."""
    notes = []
    if plan.normalised:
        shown = "; ".join(
            f"«{written}» → {read} ({gettext_now('rows')} {', '.join(map(str, rows[:10]))})"
            for written, (read, rows) in list(plan.normalised.items())[:MAX_DETAIL]
        )
        notes.append(gettext_now("laktasi IDs read as: %(list)s") % {"list": shown})
    if plan.update_lines:
        notes.append(
            gettext_now(
                "%(n)s submissions were edited since they were imported; importing updates them "
                "(the previous answers stay in each response's history):"
            )
            % {"n": len(plan.update_lines)}
        )
        notes += plan.update_lines[:MAX_DETAIL]
    return notes


def importjob_accept_incomplete(*, job: ImportJob, accept: bool) -> ImportJob:
    """Record whether responses may be stored without the questions missing from the file
    (then without score or category). Asked for explicitly, never assumed."""
    job.accept_incomplete = accept
    job.save(update_fields=["accept_incomplete"])
    return job


def importjob_preview(*, job: ImportJob) -> Plan:
    """Plan the file and store the preview's errors on the job (nothing else is written)."""
    plan = importjob_plan(job=job)
    _record(job, plan, ImportStatus.PREVIEWED)
    job.save()
    return plan


def importjob_commit(
    *,
    job: ImportJob,
    valid_only: bool = False,
    progress: Callable[[int], None] | None = None,
    on_plan: Callable[[Plan], None] | None = None,
) -> Plan:
    """Write the file's valid rows in one transaction: all of them, or nothing.

    Without ``valid_only`` a file with any rejected row writes nothing (status refused).
    A job is committed at most once.
    """
    progress = progress or (lambda n: None)
    try:
        return _commit(job=job, valid_only=valid_only, progress=progress, on_plan=on_plan)
    except IntegrityError as exc:
        # Another import wrote the same rows between the plan and the insert: nothing of this
        # file was written (the transaction rolled back); the next attempt will skip them.
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, finished_at=timezone.now()
        )
        raise ValidationError(
            gettext_now(
                "The database refused the rows (was another import running?); nothing was "
                "written. Try again."
            )
        ) from exc


def _commit(*, job: ImportJob, valid_only: bool, progress, on_plan) -> Plan:
    with paused_gc(), transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status in (ImportStatus.COMMITTED, ImportStatus.PARTIAL):
            raise ValidationError(gettext_now("This file has already been imported."))
        job.valid_only = valid_only
        plan = importjob_plan(job=job)
        if on_plan:
            on_plan(plan)
        if plan.file_error and plan.rows_read == 0:
            _record(job, plan, ImportStatus.FAILED)
        elif plan.rejected and not valid_only:
            _record(job, plan, ImportStatus.REFUSED)
        elif plan.blocked_note and not job.accept_incomplete:
            _record(job, plan, ImportStatus.REFUSED)  # never a score of unread questions
        else:
            written = IMPORTERS[plan.kind]().apply(plan, _context(job), progress, job)
            ImportedMother.objects.bulk_create(
                [ImportedMother(job=job, mother_id=pk) for pk in written | plan.skipped_mothers],
                ignore_conflicts=True,
                batch_size=2000,
            )
            status = ImportStatus.PARTIAL if plan.rejected else ImportStatus.COMMITTED
            _record(job, plan, status)
            if status == ImportStatus.COMMITTED:
                # Every row is in the database: the clear copy has no further use.
                transaction.on_commit(lambda: file_discard(job=job))
        job.save()
    return plan
