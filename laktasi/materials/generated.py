"""A program's leaflet made on the job queue (``laktasi.jobs.files``), as the user who asked."""

from __future__ import annotations

from laktasi.core.exporting import export
from laktasi.jobs.files import renderer
from laktasi.materials.exports import LEAFLET
from laktasi.materials.selectors import program_leaflet_footer
from laktasi.programs.selectors import program_get


@renderer("program_leaflet")
def program_leaflet(*, user, params: dict) -> tuple[str, str, bytes]:
    """``params``: program (id), lang, fmt (checked by the view's form)."""
    program = program_get(user=user, pk=params["program"])
    lang, fmt = params["lang"], params["fmt"]
    footer = program_leaflet_footer(program=program, lang=lang)
    return export(LEAFLET, footer, fmt="pdf", lang=lang, layout=fmt, program=program.pk)
