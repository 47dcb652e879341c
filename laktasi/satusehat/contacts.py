"""Which contacts a reporting facility sends, read from the other apps (the only ORM reads
of program, consultation and visit rows in this app).

A contact is a mother's meeting with the facility's health worker: a session she attended
(under the session's responsible health worker), a consultation, or a follow-up visit done by
a health worker. A contact by a cadre alone, a phone call, or one whose time is not known is
*held*, with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from laktasi.accounts.models import Role, User
from laktasi.followups.models import Visit, VisitMode
from laktasi.mothers.models import Baby, Mother
from laktasi.places.models import Facility, FacilityKind
from laktasi.programs.models import Attendance, Consultation, Program
from laktasi.satusehat.models import ContactKind, HealthWorkerIdentity

VISIT_CLASS = {VisitMode.HOME: "HH", VisitMode.POSYANDU: "AMB"}


@dataclass
class Contact:
    kind: str
    pk: int
    mother: Mother
    worker: User | None
    start: dt.datetime | None
    end: dt.datetime | None
    klass: str = "AMB"
    baby: Baby | None = None
    weight_g: int | None = None
    hold: str = ""

    @property
    def label(self) -> str:
        return f"{self.kind} {self.pk} ({self.mother.identifier})"

    @property
    def identifier(self) -> str:
        """The record's own id in the facility's encounter system: no personal data."""
        return f"laktasi-{self.kind}-{self.pk}"


def reporting_facility(facility: Facility) -> Facility:
    """Who reports a facility's contacts: a posyandu's go under its puskesmas."""
    if facility.kind == FacilityKind.POSYANDU and facility.puskesmas_id:
        return facility.puskesmas
    return facility


def _covered(facility: Facility) -> list[int]:
    ids = [facility.pk]
    if facility.kind == FacilityKind.PUSKESMAS:
        ids += list(facility.posyandu_set.values_list("pk", flat=True))
    return ids


def worker_hold(worker: User | None) -> str:
    """Why a contact under this user is not a health worker's contact ('' when it is)."""
    if worker is None:
        return str(_("no health worker named for this contact"))
    if worker.role == Role.CADRE:
        return str(_("a cadre's contact without a health worker"))
    is_identified = HealthWorkerIdentity.objects.filter(user=worker).exists()
    if worker.role != Role.MIDWIFE and not is_identified:
        return str(_("recorded by a user who is not a health worker"))
    return ""


def _attendance(facility_ids: list[int], program: Program | None) -> Iterator[Contact]:
    rows = Attendance.objects.filter(session__program__facility__in=facility_ids)
    if program is not None:
        rows = rows.filter(session__program=program)
    rows = (
        rows.select_related("mother", "session", "session__responsible")
        .prefetch_related("session__agenda_items")
        .order_by("pk")
    )
    for row in rows:
        session = row.session
        minutes = session.total_minutes
        end = session.starts_at + dt.timedelta(minutes=minutes) if minutes else None
        contact = Contact(
            ContactKind.ATTENDANCE, row.pk, row.mother, session.responsible, session.starts_at, end
        )
        if not minutes:
            contact.hold = str(_("the session has no agenda, so its end time is not known"))
        yield contact


def _consultations(facility_ids: list[int], program: Program | None) -> Iterator[Contact]:
    rows = Consultation.objects.filter(
        Q(program__facility__in=facility_ids)
        | Q(program__isnull=True, mother__facility__in=facility_ids)
    )
    if program is not None:
        rows = rows.filter(program=program)
    rows = rows.select_related("mother", "recorded_by").order_by("pk")
    for row in rows:
        # Only the time of recording is known: the contact is sent as that instant.
        yield Contact(
            ContactKind.CONSULTATION,
            row.pk,
            row.mother,
            row.recorded_by,
            row.recorded_at,
            row.recorded_at,
        )


def local_day(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The local day (LAKTASI_TIME_ZONE) as an aware interval: a visit records no time."""
    start = dt.datetime.combine(day, dt.time(0, 0), tzinfo=ZoneInfo(settings.TIME_ZONE))
    return start, start + dt.timedelta(days=1)


def _visits(facility_ids: list[int], program: Program | None) -> Iterator[Contact]:
    rows = Visit.objects.filter(baby__mother__facility__in=facility_ids, done_on__isnull=False)
    if program is not None:  # a visit belongs to the programs its mother is enrolled in
        rows = rows.filter(baby__mother__enrollments__program=program)
    rows = rows.select_related("baby", "baby__mother", "recorded_by").order_by("pk")
    for row in rows:
        start, end = local_day(row.done_on)
        if start < row.created_at < end:  # recorded that same day: it was done before then
            end = row.created_at
        contact = Contact(
            ContactKind.VISIT,
            row.pk,
            row.baby.mother,
            row.recorded_by,
            start,
            end,
            klass=VISIT_CLASS.get(row.mode, ""),
            baby=row.baby,
            weight_g=row.weight_g,
        )
        if row.mode == VisitMode.PHONE:
            contact.hold = str(_("a phone call: no encounter class for it has been verified"))
        elif not contact.klass:
            contact.hold = str(_("where the visit took place is not recorded"))
        yield contact


def facility_contacts(*, facility: Facility, program: Program | None = None) -> Iterator[Contact]:
    """Every contact the reporting ``facility`` would send, held ones included.

    A mother whose data has been erased is left out (nothing of hers may be sent).
    """
    ids = _covered(facility)
    worker_holds: dict[int | None, str] = {}
    sources = (_attendance(ids, program), _consultations(ids, program), _visits(ids, program))
    for source in sources:
        for contact in source:
            if contact.mother.anonymised_at:
                continue
            if contact.mother.restricted:
                contact.hold = str(_("her processing is restricted: the facility decides"))
            if not contact.hold:
                key = contact.worker.pk if contact.worker else None
                if key not in worker_holds:
                    worker_holds[key] = worker_hold(contact.worker)
                contact.hold = worker_holds[key]
            yield contact
