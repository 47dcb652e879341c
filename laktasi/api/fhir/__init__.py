"""FHIR R4 exchange in the shape SATUSEHAT uses: export a Bundle, import one back.

``export.bundle_build`` writes a ``collection`` Bundle of plain JSON dicts; ``importer``
reads such a Bundle into laktasi; ``validation`` checks every resource with the
``fhir.resources`` R4B models (wire-compatible with R4 for every resource used here).
"""
