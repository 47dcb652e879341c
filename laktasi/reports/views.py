"""The program's report page: choose language, format and sessions; view or download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import translation

from laktasi.accounts import policy
from laktasi.core.concurrency import limit_concurrent
from laktasi.jobs.files import file_deliver
from laktasi.programs.selectors import session_list
from laktasi.reports.exporters import FORMATS, render_page_body
from laktasi.reports.forms import PooledForm, ReportForm
from laktasi.reports.generated import pooled_params
from laktasi.reports.pooled.analysis import PoolingRefused
from laktasi.reports.pooled.outcomes import OutcomeError
from laktasi.reports.pooled.texts import refusal_message
from laktasi.reports.selectors import (
    pooled_allowed,
    pooled_build,
    pooled_form_choices,
    pooled_program_list,
    report_build,
    report_program,
)


@login_required
@limit_concurrent("report", when=lambda request: "format" in request.GET)
def program_report_view(request, pk: int):
    program = report_program(user=request.user, pk=pk)
    sessions = session_list(user=request.user, program=program).order_by("starts_at", "pk")
    form = ReportForm(
        request.GET if "format" in request.GET else None,
        sessions=sessions,
        allow_quotes=policy.sees_personal_data(request.user),
        formats=[f for f in ("web", *FORMATS) if policy.may_export_format(request.user, f)],
        initial={"lang": translation.get_language() or "id"},
    )
    context = {"program": program, "form": form, "report_body": ""}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        chosen = [s.pk for s in data["sessions"]] or None
        if data["format"] != "web":
            # Made on the job queue: sent at once when quick, else a page follows it.
            params = {"program": program.pk, "lang": data["lang"], "sessions": chosen,
                      "quotes": bool(data.get("quotes")), "format": data["format"]}  # fmt: skip
            return file_deliver(request, kind="program_report", params=params)
        report = report_build(
            program=program,
            lang=data["lang"],
            session_ids=chosen,
            include_quotes=data.get("quotes", False),
            user=request.user,
        )
        # The page embeds the HTML exporter's body: the same interface as every download.
        context.update(report=report, report_body=render_page_body(report))
    return render(request, "reports/program_report.html", context)


@login_required
def pooled_view(request):
    """The evaluation across programs: choose programs and an outcome, see the pooled result."""
    if not pooled_allowed(user=request.user):
        raise PermissionDenied
    visible = pooled_program_list(user=request.user)
    with translation.override(translation.get_language() or "id"):
        form = PooledForm(
            request.GET if "outcome" in request.GET else None,
            initial={"lang": translation.get_language() or "id", "method": "REML",
                     "test": "knha", "format": "web", "outcome": "knowledge_test:score"},
            **pooled_form_choices(programs=visible, lang=translation.get_language() or "id"),
        )  # fmt: skip
    context = {"form": form, "report_body": "", "refusal": "", "n_visible": visible.count()}
    if not (form.is_bound and form.is_valid()):
        return render(request, "reports/pooled.html", context)
    data = form.cleaned_data
    if data["format"] != "web":
        # Made on the job queue as the files of one program's report: sent at once when
        # quick, else a page follows it (a refusal is said there).
        return file_deliver(request, kind="pooled_report", params=pooled_params(data))
    programs = pooled_program_list(
        user=request.user, region=data["region"], facility=data["facility"], kind=data["kind"],
        date_from=data["date_from"], date_to=data["date_to"],
    )  # fmt: skip
    with translation.override(data["lang"]):
        try:
            analysis, report = pooled_build(
                programs=programs, outcome=data["outcome"], method=data["method"],
                test=data["test"], moderator=data["moderator"] or None, lang=data["lang"],
            )  # fmt: skip
        except OutcomeError as exc:
            context["refusal"] = str(exc)
        except PoolingRefused as exc:
            context["refusal"] = refusal_message(exc)
    if context["refusal"]:
        return render(request, "reports/pooled.html", context)
    context.update(report=report, analysis=analysis, report_body=render_page_body(report))
    return render(request, "reports/pooled.html", context)
