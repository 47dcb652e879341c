"""A mother's own copy of her data (the data-subject export) as the ``subject_export`` kind of
download of ``laktasi.core.exporting``: JSON (field names as stored) and a readable PDF.

The subject is a finished :class:`~laktasi.privacy.services.MotherExport`: the caller has
already checked who may export and written the access log, so both formats of one export
carry the same moment (``exported_at``).
"""

from __future__ import annotations

from laktasi.core.exporting import Rendered, exporter_register
from laktasi.privacy.services import MotherExport, mother_export_pdf

KIND = "subject_export"


@exporter_register(KIND, "json")
def render_json(subject: MotherExport, *, lang: str | None) -> Rendered:
    """Her records, their change history and the access log as JSON."""
    name = f"laktasi-{subject.mother.identifier}.json"
    return name, "application/json", subject.to_json()


@exporter_register(KIND, "pdf")
def render_pdf(subject: MotherExport, *, lang: str | None) -> Rendered:
    """The same, readable (verbose names, choice labels) as a PDF."""
    name = f"laktasi-{subject.mother.identifier}.pdf"
    return name, "application/pdf", mother_export_pdf(export=subject)
