"""A program's report file (PDF, DOCX, XLSX, …) made on the job queue
(``laktasi.jobs.files``), as the user who asked: scope, formats and quotes are checked again
for that user when the task runs."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from laktasi.accounts import policy
from laktasi.jobs.files import renderer
from laktasi.reports.exporters import render as export
from laktasi.reports.selectors import report_build, report_program


@renderer("program_report")
def program_report(*, user, params: dict) -> tuple[str, str, bytes]:
    """``params``: program (id), lang, sessions (ids or None), quotes, format."""
    if not policy.may_export_format(user, params["format"]):
        raise PermissionDenied("this account may not export this format")
    program = report_program(user=user, pk=params["program"])
    report = report_build(
        program=program,
        lang=params["lang"],
        session_ids=params["sessions"],
        include_quotes=bool(params["quotes"]) and policy.sees_personal_data(user),
        user=user,
    )
    return export(report, fmt=params["format"])
