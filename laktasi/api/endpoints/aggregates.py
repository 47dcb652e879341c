"""Indicators (dashboards) and program reports (the reports app's exporter interface)."""

from datetime import date
from typing import Literal

from django.http import Http404, HttpResponse
from ninja import Field, Query, Router, Schema

from laktasi.accounts import policy
from laktasi.api.problems import Problem, ProblemError
from laktasi.api.types import MAX_ID, Id
from laktasi.dashboards.indicators import all_tables
from laktasi.dashboards.selectors import (
    LEVELS,
    dashboard_get,
    default_unit,
    restricted_facilities,
    unit_get,
)
from laktasi.reports import exporters
from laktasi.reports.selectors import report_build, report_program

router = Router(tags=["aggregates"])

Cell = str | int | float | None
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html",
    "sav": "application/x-spss-sav",
    "csv": "text/csv",
}


class UnitOut(Schema):
    level: str
    key: str
    name: str


class TableOut(Schema):
    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    notes: list[str]


class IndicatorsOut(Schema):
    unit: UnitOut
    as_of: date | None
    mothers: int
    children: dict[str, str]
    feeding: dict[str, dict[str, int]]
    visits: dict[str, dict[str, int]]
    eibf: dict[str, dict[str, int]] = Field(
        ..., description="Put to the breast within one hour (EIBF): yes / no / unknown."
    )
    imd: dict[str, dict[str, int]] = Field(
        ..., description="IMD, skin-to-skin for at least one hour: yes / no / unknown."
    )
    tables: list[TableOut]


@router.get("/indicators", response=IndicatorsOut, summary="Indicators of one unit")
def indicators(
    request,
    level: str = Query("", max_length=16, description=f"One of {', '.join(LEVELS)}"),
    unit: str = Query("", max_length=13, description="Region code, facility or program id"),
    lang: Literal["id", "en"] = "id",
):
    """Counts only (never a person): WHO/UNICEF 2021 feeding indicators, feeding by age,
    survival of exclusive breastfeeding and program progress, within the user's area."""
    user = request.user
    if not level:
        level, unit = default_unit(user)
    if unit.isdigit() and int(unit) > MAX_ID:
        raise Http404
    found = unit_get(user=user, level=level, key=unit)
    allowed = restricted_facilities(user)
    if allowed is not None and level in {"puskesmas", "posyandu"} and int(unit) not in allowed:
        raise Http404
    data = dashboard_get(user=user, unit=found)
    tables, _survival = all_tables(data, lang)
    return {
        "unit": {"level": found.level, "key": found.key, "name": found.name},
        "as_of": data.as_of,
        "mothers": data.mothers,
        "children": data.children,
        "feeding": data.feeding,
        "visits": data.visits,
        "eibf": data.eibf,
        "imd": data.imd,
        "tables": [
            {"key": t.key, "title": str(t.title), "columns": [str(c) for c in t.columns],
             "rows": [[c if isinstance(c, int | float) or c is None else str(c) for c in row]
                      for row in t.rows],
             "notes": [str(n) for n in t.notes]}
            for t in tables.values()
        ],
    }  # fmt: skip


@router.get(
    "/programs/{program_id}/report",
    summary="Generate and download a program's evaluation report",
    response={200: None, 403: Problem},
    openapi_extra={
        "responses": {
            "200": {
                "description": "The report file (Content-Disposition: attachment).",
                "content": {
                    ctype: {"schema": {"type": "string", "format": "binary"}}
                    for ctype in sorted(set(CONTENT_TYPES.values()))
                },
            }
        }
    },
)
def program_report(
    request,
    program_id: Id,
    format: Literal["pdf", "docx", "xlsx", "html", "sav", "csv"] = "pdf",  # noqa: A002
    lang: Literal["id", "en"] = "id",
):
    """The report in one format, built and rendered by the reports app (the same selectors
    and exporter interface as the web's report page; never with quotes)."""
    program = report_program(user=request.user, pk=program_id)
    if not policy.may_export_format(request.user, format):
        raise ProblemError(403, "Your role sees aggregates only: choose pdf, docx or html.")
    report = report_build(program=program, lang=lang, user=request.user)
    filename, content_type, body = exporters.render(report, fmt=format, lang=lang)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
