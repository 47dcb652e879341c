"""A session's QR-card sheet made on the job queue (``laktasi.jobs.files``), as the user who
asked: the cards carry mothers' names, so the stored file is encrypted and only its owner,
who may see those mothers, can fetch it."""

from __future__ import annotations

from django.http import Http404

from laktasi.accounts import policy
from laktasi.core.exporting import export
from laktasi.jobs.files import renderer
from laktasi.links.exports import KIND, SessionLinks
from laktasi.links.selectors import session_link_rows
from laktasi.programs.selectors import session_get


@renderer("qr_sheet")
def qr_sheet(*, user, params: dict) -> tuple[str, str, bytes]:
    """``params``: session (id), instrument, timepoint, base_url (the site's address)."""
    if not policy.sees_personal_data(user):
        raise Http404
    session = session_get(user=user, pk=params["session"])
    instrument, timepoint = params["instrument"], params["timepoint"]
    rows = session_link_rows(
        user=user, session=session, instrument_id=instrument, timepoint=timepoint
    )
    links = [r.link for r in rows if r.link is not None]
    subject = SessionLinks(session, instrument, timepoint, links, params["base_url"])
    return export(KIND, subject, fmt="pdf")
