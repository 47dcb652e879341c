"""The instrument catalogue, printable paper versions (A4) and XLSForm downloads.

Definitions are not personal data: every logged-in user may print them. Answer keys are
printed only on request, on their own page, for facilitators.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from laktasi.core.exporting import export
from laktasi.instruments import registry
from laktasi.instruments.exports import PAPER, XLSFORM, form_language
from laktasi.instruments.selectors import instrument_definitions


def _definition(instrument_id: str, version: str | None = None) -> registry.InstrumentDefinition:
    try:
        return registry.get(instrument_id, version)
    except registry.UnknownInstrumentError as exc:
        raise Http404("unknown instrument") from exc


@login_required
def catalogue_view(request):
    lang = form_language()
    rows = [
        {
            "definition": d,
            "title": d.title(lang),
            "description": d.description(lang),
            "items": len(d.items),
        }
        for d in instrument_definitions()
    ]
    return render(request, "instruments/catalogue.html", {"rows": rows})


@login_required
def paper_view(request, instrument_id: str):
    definition = _definition(instrument_id, request.GET.get("versi") or None)
    with_key = request.GET.get("kunci") == "1"
    _name, content_type, html = export(PAPER, definition, fmt="html", with_key=with_key)
    return HttpResponse(html, content_type=content_type)


@login_required
def xlsform_view(request, instrument_id: str):
    definition = _definition(instrument_id, request.GET.get("versi") or None)
    name, content_type, content = export(XLSFORM, definition, fmt="xlsx")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
