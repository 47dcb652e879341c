"""Reads of the SATUSEHAT app: which facility a command means, and where its queue stands."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from laktasi.places.models import Facility
from laktasi.satusehat.models import FacilityLink, OutboundRecord, RecordState


class FacilityNotFoundError(LookupError):
    pass


def facility_resolve(value: str) -> Facility:
    """A facility by its id or its exact name (refused when the name is not unique)."""
    value = value.strip()
    if value.isdigit():
        facility = Facility.objects.filter(pk=int(value)).first()
        if facility is not None:
            return facility
    matches = list(Facility.objects.filter(name=value)[:2])
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise FacilityNotFoundError(
            _("More than one facility is called %(name)s: give its id.") % {"name": value}
        )
    raise FacilityNotFoundError(_("No facility with id or name %(name)s.") % {"name": value})


def configured_facilities() -> list[Facility]:
    """Facilities with a SATUSEHAT link (with or without credentials), by name."""
    return [
        link.facility
        for link in FacilityLink.objects.select_related("facility").order_by("facility__name")
    ]


def _shown(record: OutboundRecord, attribute: str) -> str:
    """A stored reason in the reader's language (the server's message as it came)."""
    value = getattr(record, attribute)
    if attribute != "reason":
        return value
    return "; ".join(_(part) for part in value.split("; "))


def queue_status(*, facility: Facility | None = None, limit: int = 200) -> dict:
    """Counts per state, the rejections with the server's message, and the waiting and held
    records with their reasons (labels carry the laktasi identifier, never a name)."""
    records = OutboundRecord.objects.all()
    if facility is not None:
        records = records.filter(facility=facility)
    counts = records.aggregate(
        **{state: Count("pk", filter=Q(state=state)) for state in RecordState.values}
    )

    def listing(state: str, text: str) -> list[dict]:
        rows = records.filter(state=state).order_by("kind", "source_pk")[:limit]
        return [{"record": r.label, text: _shown(r, text)} for r in rows]

    return {
        **{state: counts[state] for state in RecordState.values},
        "rejections": listing(RecordState.REJECTED, "message"),
        "waiting": listing(RecordState.WAITING_IHS, "reason"),
        "held_records": listing(RecordState.HELD, "reason"),
    }
