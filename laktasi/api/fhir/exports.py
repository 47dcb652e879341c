"""A FHIR R4 Bundle as the ``fhir_bundle`` kind of download of ``laktasi.core.exporting``.

The subject is a Bundle already built (``export.bundle_build``) for what the caller may see,
and its mothers already written to the access log: the exporter only serialises it. Keys are
sorted so the same data gives the same bytes; ``indent`` (the command's files) is for a
reader, the API sends it compact.
"""

from __future__ import annotations

import json

from laktasi.core.exporting import Rendered, exporter_register

KIND = "fhir_bundle"
FHIR_JSON = "application/fhir+json"


@exporter_register(KIND, "json")
def render_json(bundle: dict, *, lang: str | None, indent: int | None = None) -> Rendered:
    """The Bundle as FHIR JSON (UTF-8; a file written with ``indent`` ends with a newline)."""
    text = json.dumps(bundle, ensure_ascii=False, indent=indent, sort_keys=True)
    if indent is not None:
        text += "\n"
    return "laktasi-fhir-bundle.json", FHIR_JSON, text.encode("utf-8")
