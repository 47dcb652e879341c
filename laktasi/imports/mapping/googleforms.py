"""What Google Forms puts around the questions: the timestamp, email and quiz score columns.

Shapes of "Download responses (.csv)" in Google Forms (and the linked Sheet downloaded as
.xlsx), as laktasi reads them:

- ``Timestamp`` (``Stempel waktu`` in an Indonesian-language account): in the CSV
  ``2026/11/03 9:15:02 AM GMT+7`` (year/month/day, 12-hour clock, the form owner's offset);
  in an XLSX a date-time cell in the sheet's time zone (read in ``LAKTASI_TIME_ZONE``).
- ``Email address`` / ``Alamat email``: only when the form collects emails. Never used to
  find a mother, never stored.
- ``Score`` / ``Skor``: only for a quiz, as ``20 / 25``. Never used as laktasi's score; it is
  compared with laktasi's own score and differences are flagged in the preview.
- every other column: one question, headed by its full text.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext_lazy as _

from laktasi.imports.mapping.text import normalise
from laktasi.imports.parsers import CellError, clean_text, parse_datetime

TIMESTAMP, EMAIL, SCORE = "timestamp", "email", "score"
META_HEADERS = {
    "timestamp": TIMESTAMP, "stempel waktu": TIMESTAMP, "cap waktu": TIMESTAMP,
    "email address": EMAIL, "alamat email": EMAIL, "email": EMAIL, "username": EMAIL,
    "score": SCORE, "skor": SCORE, "total score": SCORE, "total skor": SCORE,
}  # fmt: skip

_FORMS_TIME = re.compile(
    r"^(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?"
    r"\s*(?P<ampm>[AP]M)?\s*(?:GMT|UTC)?\s*(?P<off>[+-]\d{1,2}(?::?\d{2})?)?$",
    re.IGNORECASE,
)
_SCORE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*/\s*(\d+(?:[.,]\d+)?)\s*$")


def meta_kind(header: str) -> str:
    """``timestamp``, ``email``, ``score`` or "" for a question column."""
    return META_HEADERS.get(normalise(header), "")


def _offset(text: str | None) -> timezone | None:
    if not text:
        return None
    sign = -1 if text.startswith("-") else 1
    digits = text[1:].replace(":", "")
    hours, minutes = (int(digits[:-2]), int(digits[-2:])) if len(digits) > 2 else (int(digits), 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def parse_timestamp(value: Any) -> datetime | None:
    """A Google Forms timestamp as an aware date-time (None when the cell is empty).

    ``2026/11/03 9:15:02 PM GMT+7`` (the Forms CSV), a date-time cell (XLSX), or anything
    :func:`laktasi.imports.parsers.parse_datetime` reads (ISO, dd/mm/yyyy hh:mm:ss).
    """
    text = clean_text(value) if not isinstance(value, datetime) else ""
    match = _FORMS_TIME.match(text) if text else None
    if match is None:
        return parse_datetime(value)
    hour = int(match["H"])
    if match["ampm"]:
        if not 1 <= hour <= 12:
            raise CellError(_("Unrecognised date %(value)s; write dd/mm/yyyy."), value=text[:40])
        hour = hour % 12 + (12 if match["ampm"].upper() == "PM" else 0)
    try:
        moment = datetime(
            int(match["y"]), int(match["m"]), int(match["d"]), hour, int(match["M"]),
            int(match["S"] or 0),
        )  # fmt: skip
    except ValueError as exc:
        raise CellError(
            _("Unrecognised date %(value)s; write dd/mm/yyyy."), value=text[:40]
        ) from exc
    offset = _offset(match["off"])
    return moment.replace(tzinfo=offset) if offset else parse_datetime(moment)


def timestamp_key(moment: datetime) -> str:
    """The timestamp as it enters a submission key: UTC, whole seconds (so the CSV and the
    XLSX download of the same form give the same key)."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def parse_score(value: Any) -> Fraction | None:
    """``20 / 25`` → 4/5; None when empty or not in that shape (nothing is guessed)."""
    match = _SCORE.match(clean_text(value))
    if not match:
        return None
    got, out_of = (Fraction(g.replace(",", ".")) for g in match.groups())
    return got / out_of if out_of else None
