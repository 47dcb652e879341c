"""The materials' PDFs as kinds of download of ``laktasi.core.exporting``: the participant
leaflet (``leaflet``, a generic one or a program's, made on the queue by
``laktasi.materials.generated``), the facilitator's guide (``facilitator_guide``) and the
content sign-off (``content_signoff``).

A PDF depends only on its language, layout and footer (the content files do not change while
the server runs), so the last few are kept in memory: WeasyPrint takes seconds per file.
"""

from __future__ import annotations

from functools import lru_cache

from django.utils.translation import get_language

from laktasi.core.exporting import Rendered, exporter_register
from laktasi.materials.guide import render_facilitator_guide
from laktasi.materials.leaflet import LeafletFooter, render_leaflet
from laktasi.materials.signoff import render_signoff_pdf

LEAFLET = "leaflet"
GUIDE = "facilitator_guide"
SIGNOFF = "content_signoff"
PDF = "application/pdf"


def _language(lang: str | None) -> str:
    """``lang`` as given (the renderers refuse one they lack), or else the active language
    as one of the materials' languages (id or en)."""
    if lang:
        return lang
    return "en" if (get_language() or "id").startswith("en") else "id"


@lru_cache(maxsize=8)
def _leaflet(lang: str, layout: str, footer: LeafletFooter) -> bytes:
    return render_leaflet(lang=lang, fmt=layout, footer=footer)


@lru_cache(maxsize=8)
def _guide(lang: str) -> bytes:
    return render_facilitator_guide(lang=lang)


@lru_cache(maxsize=4)
def _signoff(lang: str) -> bytes:
    return render_signoff_pdf(lang=lang)


@exporter_register(LEAFLET, "pdf")
def render_leaflet_pdf(
    footer: LeafletFooter, *, lang: str | None, layout: str, program: int | None = None
) -> Rendered:
    """The leaflet in ``layout`` (a4-trifold or a5-booklet) with ``footer``; ``program`` (its
    id) names the file of a program's leaflet."""
    lang = _language(lang)
    if program is None:
        name = f"leaflet-{layout}-{lang}.pdf"
    else:
        name = f"leaflet-program-{program}-{layout}-{lang}.pdf"
    return name, PDF, _leaflet(lang, layout, footer)


@exporter_register(GUIDE, "pdf")
def render_guide_pdf(subject: None, *, lang: str | None) -> Rendered:
    """The facilitator's guide (A4, page numbers)."""
    lang = _language(lang)
    return f"panduan-fasilitator-{lang}.pdf", PDF, _guide(lang)


@exporter_register(SIGNOFF, "pdf")
def render_signoff(subject: None, *, lang: str | None) -> Rendered:
    """Every content block with its FACTS reference, for the midwife who signs it off."""
    lang = _language(lang)
    return f"tinjauan-konten-{lang}.pdf", PDF, _signoff(lang)
