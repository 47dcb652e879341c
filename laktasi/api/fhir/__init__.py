"""Generic FHIR R4 exchange: export a Bundle, import one back.

Not SATUSEHAT's shape (a SATUSEHAT server would refuse it): sending to SATUSEHAT is
``laktasi.satusehat`` (docs/satusehat.md).

``export.bundle_build`` writes a ``collection`` Bundle of plain JSON dicts; ``importer``
reads such a Bundle into laktasi; ``validation`` checks every resource with the
``fhir.resources`` R4B models (wire-compatible with R4 for every resource used here).
"""
