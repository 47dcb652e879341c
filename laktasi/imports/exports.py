"""Spreadsheets laktasi hands out: import templates and the rejected rows of an import.

Every text cell written here is neutralised against CSV/formula injection: a value starting
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe, so a
spreadsheet program shows it as text and never runs it. Both are kinds of download of
``laktasi.core.exporting`` (``import_template``, ``import_rejected_rows``), the interface every
download shares.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from laktasi.core import spreadsheet
from laktasi.core.exporting import Rendered, export, exporter_register
from laktasi.imports.importers.attendance import ALIASES as ATTENDANCE_ALIASES
from laktasi.imports.importers.mothers import CHOICES, COLUMNS
from laktasi.imports.models import ImportJob, ImportKind
from laktasi.imports.parsers import FORMULA, FileRejected, read_table
from laktasi.imports.services import IMPORTERS, importjob_plan
from laktasi.imports.storage import file_path
from laktasi.instruments import registry

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ATTENDANCE_ORDER = ["mother_id", "nik", "session_date", "session_id", "companion_present"]
ROW_COLUMN = "laktasi_row"
ERRORS_COLUMN = "laktasi_errors"
TEMPLATE = "import_template"
REJECTED_ROWS = "import_rejected_rows"


def neutralise(value: Any) -> Any:
    """Make a cell safe to open in a spreadsheet program (text only; numbers pass)."""
    if value is FORMULA:
        return ""
    return spreadsheet.neutralise(value)


def _workbook(sheets: Sequence[tuple[str, Iterable[Sequence[Any]]]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title[:31])
        for n, row in enumerate(rows):
            ws.append([neutralise(v) for v in row])
            if n == 0:
                for c in ws[1]:
                    c.font = Font(bold=True)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------- templates

TEMPLATE_KINDS = ("mothers", "attendance", "responses")


def _help_rows(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(_("column"), _("what to write")), *rows]


def template_mothers() -> bytes:
    descriptions = {
        "row_id": _("your own number for the row; needed when there is no NIK"),
        "nik": _("16 digits; format the column as Text in Excel"),
        "birth_date": "dd/mm/yyyy",
        "delivery_date": "dd/mm/yyyy",
        "baby_birth_date": "dd/mm/yyyy",
        "village_code": _("Kemendagri code of the village; empty = the facility's village"),
        "consent": _("ya / tidak: consent given on paper"),
        "baby_early_initiation": _(
            "ya / tidak: put to the breast within one hour of birth (EIBF); empty = unknown"
        ),
        "baby_imd": _("ya / tidak: IMD, skin-to-skin for at least one hour; empty = unknown"),
    }
    for name, choices in CHOICES.items():
        # the importer reads a choice's label in either language, or its code
        descriptions[name] = ", ".join(str(label) for label in choices.labels)
    header = list(COLUMNS)
    help_rows = [(name, str(descriptions.get(name, ""))) for name in header]
    return _workbook([("data", [header]), (_("instructions"), _help_rows(help_rows))])


def template_attendance() -> bytes:
    header = sorted(set(ATTENDANCE_ALIASES.values()), key=ATTENDANCE_ORDER.index)
    help_rows = [
        ("mother_id", _("laktasi ID (LK-…); or fill nik")),
        ("nik", _("16 digits, when there is no laktasi ID")),
        ("session_date", "dd/mm/yyyy"),
        ("session_id", _("only when the program has several sessions on one day")),
        ("companion_present", _("ya / tidak")),
    ]
    return _workbook([("data", [header]), (_("instructions"), _help_rows(help_rows))])


def template_responses(instrument_id: str, version: str | None = None) -> bytes:
    definition = registry.get(instrument_id, version)
    header = ["submission_uuid", "mother_id", "nik", "timepoint", "followup_number",
              "observer", "collected_at", *definition.item_ids]  # fmt: skip
    help_rows = [
        ("submission_uuid", _("optional; leave empty")),
        ("mother_id", _("laktasi ID (LK-…); or fill nik")),
        ("timepoint", "pre, post, followup"),
        ("followup_number", _("1–99, only for followup")),
        ("observer", "primary, second"),
        ("collected_at", "dd/mm/yyyy"),
    ]
    for item in definition.items:
        allowed = ", ".join(item.choice_names)
        if item.type in ("step", "likert", "integer"):
            lo = item.min if item.min is not None else definition.scale_min
            hi = item.max if item.max is not None else definition.scale_max
            allowed = f"{lo}–{hi}" if lo is not None else _("whole number")
        if item.allow_not_assessed:
            allowed += ", tidak dinilai"
        help_rows.append((item.id, f"{item.label_for('id')} [{allowed}]"))
    title = f"{definition.id}_v{definition.version}"
    return _workbook([(title, [header]), (_("instructions"), _help_rows(help_rows))])


def template_render(kind: str, instrument_id: str = "") -> Rendered:
    """The template of ``kind`` (one of TEMPLATE_KINDS): ``(filename, content type, bytes)``."""
    return export(TEMPLATE, kind, fmt="xlsx", instrument_id=instrument_id)


@exporter_register(TEMPLATE, "xlsx")
def _template_xlsx(kind: str, *, lang: str | None, instrument_id: str = "") -> Rendered:
    if kind == ImportKind.MOTHERS:
        return "laktasi-template-ibu.xlsx", XLSX, template_mothers()
    if kind == ImportKind.ATTENDANCE:
        return "laktasi-template-kehadiran.xlsx", XLSX, template_attendance()
    if kind == ImportKind.RESPONSES:
        definition = registry.get(instrument_id)
        return f"laktasi-template-{definition.id}.xlsx", XLSX, template_responses(definition.id)
    raise ValueError(f"unknown template kind {kind!r}")


# ---------------------------------------------------------------------------- rejected rows


def rejected_rows_render(job: ImportJob) -> Rendered:
    """The rejected rows of ``job``'s file, as uploaded, with the reasons in two added columns."""
    return export(REJECTED_ROWS, job, fmt="xlsx")


@exporter_register(REJECTED_ROWS, "xlsx")
def _rejected_rows_xlsx(job: ImportJob, *, lang: str | None) -> Rendered:
    """The rejected rows of ``job``'s file, as uploaded, with the reasons in two added columns.

    The file is planned again (nothing is written), so every rejected row is included, not
    only the first errors stored on the job. Re-upload the corrected sheet as it is: the two
    added columns are ignored by the importers.
    """
    plan = importjob_plan(job=job)
    by_row: dict[int, list[str]] = {}
    for e in plan.errors:
        by_row.setdefault(e.row, []).append(f"{e.column}: {e.message}" if e.column else e.message)
    out: list[list[Any]] = []
    try:
        with file_path(job) as path:
            table = read_table(path, header_score=IMPORTERS[plan.kind]().header_score)
    except (FileRejected, KeyError, FileNotFoundError):
        out.append([ERRORS_COLUMN])
        out.append([plan.file_error])
    else:
        out.append([ROW_COLUMN, ERRORS_COLUMN, *table.header])
        for n, cells in table.rows:
            if n in by_row:
                out.append([n, "; ".join(by_row[n]), *cells])
    stem = Path(job.file_name).stem[:60] or "import"
    return f"{stem}-ditolak.xlsx", XLSX, _workbook([("ditolak", out)])
