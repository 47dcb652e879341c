"""A session's answer links as the ``answer_links`` kind of download of
``laktasi.core.exporting``: a CSV (identifier, short code, link) and the A4 sheet of QR cards
(PDF, only the links not yet sent, made on the queue by ``laktasi.links.generated``).

The subject is a :class:`SessionLinks`: links the caller has already chosen through the
scoped selectors (or just issued), never a query of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from laktasi.core.exporting import Rendered, exporter_register
from laktasi.links import sheet
from laktasi.links.models import AnswerLink
from laktasi.programs.models import Session

KIND = "answer_links"


@dataclass(frozen=True)
class SessionLinks:
    """One session's links for one form and timepoint; ``base_url`` is the site's address."""

    session: Session
    instrument_id: str
    timepoint: str
    links: list[AnswerLink]
    base_url: str

    def file_name(self, prefix: str, extension: str) -> str:
        return f"{prefix}-{self.session.pk}-{self.instrument_id}-{self.timepoint}.{extension}"


@exporter_register(KIND, "csv")
def render_csv(subject: SessionLinks, *, lang: str | None) -> Rendered:
    """One row per link (UTF-8 with a byte-order mark, for Excel)."""
    content = sheet.links_csv(links=subject.links, base_url=subject.base_url)
    return subject.file_name("tautan-sesi", "csv"), "text/csv", content


@exporter_register(KIND, "pdf")
def render_cards(subject: SessionLinks, *, lang: str | None) -> Rendered:
    """The QR cards of the links not yet sent (a sent link's card is of no use)."""
    links = [link for link in subject.links if link.submitted_at is None]
    pdf = sheet.sheet_pdf(links=links, base_url=subject.base_url, session=subject.session,
                          instrument_id=subject.instrument_id,
                          timepoint=subject.timepoint)  # fmt: skip
    return subject.file_name("kartu-qr-sesi", "pdf"), "application/pdf", pdf
