"""A program's leaflet made on the job queue (``laktasi.jobs.files``), as the user who asked."""

from __future__ import annotations

from laktasi.jobs.files import renderer
from laktasi.materials.leaflet import render_leaflet
from laktasi.materials.selectors import program_leaflet_footer
from laktasi.programs.selectors import program_get

PDF = "application/pdf"


@renderer("program_leaflet")
def program_leaflet(*, user, params: dict) -> tuple[str, str, bytes]:
    """``params``: program (id), lang, fmt (checked by the view's form)."""
    program = program_get(user=user, pk=params["program"])
    lang, fmt = params["lang"], params["fmt"]
    footer = program_leaflet_footer(program=program, lang=lang)
    data = render_leaflet(lang=lang, fmt=fmt, footer=footer)
    return f"leaflet-program-{program.pk}-{fmt}-{lang}.pdf", PDF, data
