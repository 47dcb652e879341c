"""A program's report file (PDF, DOCX, XLSX, …) and the pooled report's files, made on the job queue
(``laktasi.jobs.files``), as the user who asked: scope, formats and quotes are checked again
for that user when the task runs."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied

from laktasi.accounts import policy
from laktasi.jobs.files import FileRefused, renderer
from laktasi.reports.exporters import render as export
from laktasi.reports.pooled.analysis import PoolingRefused
from laktasi.reports.pooled.export import pooled_render
from laktasi.reports.pooled.outcomes import OutcomeError
from laktasi.reports.pooled.texts import refusal_message
from laktasi.reports.selectors import (
    pooled_allowed,
    pooled_build,
    pooled_program_list,
    report_build,
    report_program,
)


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


def pooled_params(data: dict) -> dict:
    """The pooled form's cleaned data as JSON-safe task arguments (ids, codes, ISO dates)."""
    day = lambda d: d.isoformat() if d else None  # noqa: E731
    return {
        "region": data["region"] or "", "facility": data["facility"], "kind": data["kind"] or "",
        "date_from": day(data["date_from"]), "date_to": day(data["date_to"]),
        "outcome": data["outcome"], "method": data["method"], "test": data["test"],
        "moderator": data["moderator"] or None, "lang": data["lang"], "format": data["format"],
    }  # fmt: skip


@renderer("pooled_report")
def pooled_report(*, user, params: dict) -> tuple[str, str, bytes]:
    """The evaluation across programs as a file, for the programs ``user`` may see *now*."""
    if not pooled_allowed(user=user):
        raise PermissionDenied("this account may not export the pooled report")
    day = lambda v: date.fromisoformat(v) if v else None  # noqa: E731
    programs = pooled_program_list(
        user=user, region=params["region"], facility=params["facility"], kind=params["kind"],
        date_from=day(params["date_from"]), date_to=day(params["date_to"]),
    )  # fmt: skip
    try:
        _analysis, report = pooled_build(
            programs=programs, outcome=params["outcome"], method=params["method"],
            test=params["test"], moderator=params["moderator"], lang=params["lang"],
        )  # fmt: skip
    except OutcomeError as exc:
        raise FileRefused(str(exc)) from exc
    except PoolingRefused as exc:
        raise FileRefused(refusal_message(exc)) from exc
    return pooled_render(report, fmt=params["format"])
