"""An instrument's files as kinds of download of ``laktasi.core.exporting``: its XLSForm for
ODK Collect / KoboToolbox (``instrument_xlsform``) and its printable A4 paper form
(``instrument_paper``, an HTML page the browser prints).

Definitions are not personal data; the subject is an
:class:`~laktasi.instruments.registry.InstrumentDefinition` the caller has already looked up.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.template.loader import render_to_string
from django.utils.translation import get_language

from laktasi.core.exporting import Rendered, exporter_register
from laktasi.instruments.registry import InstrumentDefinition
from laktasi.instruments.xlsform import write_xlsform

XLSFORM = "instrument_xlsform"
PAPER = "instrument_paper"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@exporter_register(XLSFORM, "xlsx")
def render_xlsform(
    definition: InstrumentDefinition, *, lang: str | None, langs: Sequence[str] = ("id", "en")
) -> Rendered:
    """The XLSForm, its form languages ``langs`` (first = default)."""
    buffer = io.BytesIO()
    write_xlsform(definition, buffer, langs=tuple(langs))
    return f"{definition.form_id}.xlsx", XLSX, buffer.getvalue()


def paper_items(definition: InstrumentDefinition, lang: str) -> list[dict]:
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


def form_language(lang: str | None = None) -> str:
    """``lang``, or the active language, as one of the definitions' languages (id or en)."""
    return "en" if (lang or get_language() or "id").startswith("en") else "id"


@exporter_register(PAPER, "html")
def render_paper(
    definition: InstrumentDefinition, *, lang: str | None, with_key: bool = False
) -> Rendered:
    """The A4 paper form; ``with_key`` adds a knowledge test's answer key on its own page."""
    lang = form_language(lang)
    context = {
        "definition": definition,
        "title": definition.title(lang),
        "description": definition.description(lang),
        "rows": paper_items(definition, lang),
        "with_key": with_key and definition.kind == "knowledge",
        "is_checklist": definition.kind == "checklist",
    }
    html = render_to_string("instruments/paper.html", context)
    return f"{definition.form_id}.html", "text/html; charset=utf-8", html.encode()
