"""The instrument catalogue, printable paper versions (A4) and XLSForm downloads.

Definitions are not personal data: every logged-in user may print them. Answer keys are
printed only on request, on their own page, for facilitators.
"""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from laktasi.instruments import registry
from laktasi.instruments.selectors import instrument_definitions
from laktasi.instruments.xlsform import write_xlsform


def _definition(instrument_id: str, version: str | None = None) -> registry.InstrumentDefinition:
    try:
        return registry.get(instrument_id, version)
    except registry.UnknownInstrumentError as exc:
        raise Http404("unknown instrument") from exc


def _lang() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id"


@login_required
def catalogue_view(request):
    lang = _lang()
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


def paper_items(definition: registry.InstrumentDefinition, lang: str) -> list[dict]:
    """The rows of a paper form: number, text, and the boxes to tick (or a line to write on)."""
    rows = []
    for number, item in enumerate(definition.items, start=1):
        rows.append(
            {
                "number": number,
                "id": item.id,
                "label": item.label_for(lang),
                "hint": item.hint.get(lang) if item.hint else "",
                "choices": [choice.label.get(lang) for choice in item.choices],
                "critical": item.critical,
                "write_in": not item.choices,
                "key": item.key,
                "rationale": item.rationale.get(lang) if item.rationale else "",
            }
        )
    return rows


@login_required
def paper_view(request, instrument_id: str):
    lang = _lang()
    definition = _definition(instrument_id, request.GET.get("versi") or None)
    context = {
        "definition": definition,
        "title": definition.title(lang),
        "description": definition.description(lang),
        "rows": paper_items(definition, lang),
        "with_key": request.GET.get("kunci") == "1" and definition.kind == "knowledge",
        "is_checklist": definition.kind == "checklist",
    }
    return render(request, "instruments/paper.html", context)


@login_required
def xlsform_view(request, instrument_id: str):
    definition = _definition(instrument_id, request.GET.get("versi") or None)
    buffer = io.BytesIO()
    write_xlsform(definition, buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{definition.form_id}.xlsx"'
    return response
