"""Everything a report needs, read from the database once: the only ORM code of the reports.

The result is a plain, frozen :class:`ProgramDataset` with no names, NIK or phone numbers:
mothers are keyed by their laktasi identifier. Names are read only when the user asked for
interview quotes, and then only to blank them out of the quotes (``scrub_names``).

The report covers every mother enrolled in the program (or, when sessions are chosen, every
mother who attended one of them): a program is evaluated as a whole, and a report holds
aggregates and pseudonymous rows only. Who may ask for it is decided by
``laktasi.programs.selectors.program_list`` in the view and the command; a user's report holds
only the mothers in her scope, and row-level formats only for roles the access policy allows
(``laktasi.accounts.policy.may_export_format``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from laktasi.accounts import policy
from laktasi.accounts.models import User
from laktasi.instruments.models import Response
from laktasi.mothers.models import Mother
from laktasi.mothers.selectors import scope
from laktasi.places.models import Region
from laktasi.programs.models import Attendance, Program, Session
from laktasi.reports.models import PublishedPercentages


@dataclass(frozen=True)
class AgendaRow:
    kind: str  #: AgendaKind code
    minutes: int


@dataclass(frozen=True)
class SessionInfo:
    title: str
    starts_at: datetime
    venue: str
    facilitator: str
    agenda: tuple[AgendaRow, ...]
    mothers: int  #: mothers who attended
    companions: int  #: of whom came with a companion


@dataclass(frozen=True)
class Place:
    village: str
    district: str
    regency: str
    province: str
    code: str


@dataclass(frozen=True)
class ProgramInfo:
    pk: int
    title: str
    organiser: str
    kind: str  #: ProgramKind code
    facility: str
    places: tuple[Place, ...]
    start_date: date
    end_date: date | None
    sessions: tuple[SessionInfo, ...]
    sessions_chosen: bool  #: the report covers only some sessions


@dataclass(frozen=True)
class MotherRow:
    identifier: str
    age_years: int | None  #: completed years at the program's start
    parity: int | None
    education: str
    occupation: str
    delivery_mode: str
    baby_age_days: int | None  #: youngest baby's age in days at the program's start
    companion_present: bool  #: came with a companion to at least one session
    companion_relationship: str  #: relationship of that companion ("" when none came)


@dataclass(frozen=True)
class ResponseRow:
    identifier: str
    instrument_id: str
    version: str
    timepoint: str
    followup_number: int
    observer: str
    by_companion: bool  #: a companion performed the observed skill
    score_pct: float | None
    category: str
    complete: bool
    details: dict[str, Any] = field(hash=False, compare=False)
    answers: dict[str, Any] = field(hash=False, compare=False)
    source: str = ""  #: Response.source: how it was collected (web, paper, self, import...)


@dataclass(frozen=True)
class PublishedRow:
    instrument_id: str
    timepoint: str
    values: dict[str, Any] = field(hash=False, compare=False)
    decimals: int = 1
    citation: str = ""


@dataclass(frozen=True)
class ProgramDataset:
    program: ProgramInfo
    reference_date: date
    mothers: tuple[MotherRow, ...]
    responses: tuple[ResponseRow, ...]
    published: tuple[PublishedRow, ...]
    scrub_names: tuple[str, ...] = ()  #: names to blank out of quotes (only with quotes)


def _years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _place(village: Region, by_code: dict[str, Region]) -> Place:
    def name(level: int) -> str:
        region = by_code.get(village.ancestor_code(level))
        return region.name if region else ""

    return Place(village.name, name(3), name(2), name(1), village.code)


def _places(program: Program) -> tuple[Place, ...]:
    villages = list(program.villages.all()) or [program.facility.village]
    codes = {v.ancestor_code(level) for v in villages for level in (1, 2, 3)}
    by_code = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return tuple(_place(v, by_code) for v in villages)


def _sessions(program: Program, session_ids: Iterable[int] | None) -> list[Session]:
    qs = program.sessions.prefetch_related(
        "agenda_items",
        Prefetch(
            "attendance",
            queryset=Attendance.objects.only("session_id", "mother_id", "companion_present"),
        ),
    ).order_by("starts_at", "pk")
    if session_ids is not None:
        qs = qs.filter(pk__in=list(session_ids))
    return list(qs)


def _session_info(session: Session) -> SessionInfo:
    attendance = list(session.attendance.all())
    return SessionInfo(
        title=session.title,
        starts_at=timezone.localtime(session.starts_at),
        venue=session.venue,
        facilitator=session.facilitator,
        agenda=tuple(AgendaRow(a.kind, a.duration_minutes) for a in session.agenda_items.all()),
        mothers=len(attendance),
        companions=sum(a.companion_present for a in attendance),
    )


def _mother_rows(mothers: list[Mother], companions: dict[int, str], on: date) -> list[MotherRow]:
    rows = []
    for m in mothers:
        babies = [b.birth_date for b in m.babies.all() if b.birth_date <= on]
        rows.append(
            MotherRow(
                identifier=m.identifier,
                age_years=_years(m.birth_date, on) if m.birth_date else None,
                parity=m.parity,
                education=m.education,
                occupation=m.occupation,
                delivery_mode=m.delivery_mode,
                baby_age_days=(on - max(babies)).days if babies else None,
                companion_present=m.pk in companions,
                companion_relationship=companions.get(m.pk, ""),
            )
        )
    return rows


def _companions(sessions: list[Session]) -> dict[int, str]:
    """mother pk -> relationship of the companion who came (first session first)."""
    out: dict[int, str] = {}
    rows = (
        Attendance.objects.filter(session__in=sessions, companion_present=True)
        .select_related("companion")
        .order_by("session__starts_at", "pk")
    )
    for a in rows:
        out.setdefault(a.mother_id, a.companion.relationship if a.companion else "")
    return out


def _response_rows(program: Program, mother_ids: list[int]) -> list[ResponseRow]:
    qs = (
        Response.objects.filter(program=program, mother_id__in=mother_ids)
        .select_related("mother")
        .only(
            "mother__identifier",
            "instrument_id",
            "instrument_version",
            "timepoint",
            "followup_number",
            "observer",
            "performed_by_companion_id",
            "score_pct",
            "category",
            "complete",
            "details",
            "answers",
            "source",
        )
        .order_by("instrument_id", "timepoint", "mother__identifier", "observer")
    )
    return [
        ResponseRow(
            identifier=r.mother.identifier,
            instrument_id=r.instrument_id,
            version=r.instrument_version,
            timepoint=r.timepoint,
            followup_number=r.followup_number,
            observer=r.observer,
            by_companion=r.performed_by_companion_id is not None,
            score_pct=r.score_pct,
            category=r.category,
            complete=r.complete,
            details=r.details or {},
            answers=r.answers or {},
            source=r.source,
        )
        for r in qs.iterator(chunk_size=2000)
    ]


def program_dataset(
    *,
    program: Program,
    session_ids: Iterable[int] | None = None,
    include_quotes: bool = False,
    user: User | None = None,
) -> ProgramDataset:
    """Read one program (optionally only some of its sessions) for a report.

    With a ``user``, only the mothers in her scope count (a cadre of one posyandu in a
    program of several gets her posyandu's mothers and quotes, nobody else's); viewers, who
    see no single mother, get the program's aggregates from every mother. ``None`` (the
    command line) is the whole program."""
    sessions = _sessions(program, session_ids)
    reference = program.start_date
    if sessions:
        reference = min(timezone.localtime(s.starts_at).date() for s in sessions)
    if session_ids is None:
        mother_qs = Mother.objects.filter(enrollments__program=program)
    else:
        mother_qs = Mother.objects.filter(attendance__session__in=sessions)
    if user is not None and policy.sees_personal_data(user):
        mother_qs = scope(mother_qs, user=user)
    mothers = list(
        mother_qs.distinct()
        .prefetch_related("babies", *(["companions"] if include_quotes else []))
        .only(
            "identifier",
            "birth_date",
            "parity",
            "education",
            "occupation",
            "delivery_mode",
            *(["full_name"] if include_quotes else []),
        )
        .order_by("identifier")
    )
    companions = _companions(sessions)
    scrub: list[str] = []
    if include_quotes:
        for m in mothers:
            scrub.append(m.full_name)
            scrub.extend(c.name for c in m.companions.all())
            scrub.extend(b.name for b in m.babies.all() if b.name)
    published = tuple(
        PublishedRow(p.instrument_id, p.timepoint, dict(p.values), p.decimals, p.citation)
        for p in PublishedPercentages.objects.filter(program=program)
    )
    return ProgramDataset(
        program=ProgramInfo(
            pk=program.pk,
            title=program.title,
            organiser=program.organiser,
            kind=program.kind,
            facility=str(program.facility.name),
            places=_places(program),
            start_date=program.start_date,
            end_date=program.end_date,
            sessions=tuple(_session_info(s) for s in sessions),
            sessions_chosen=session_ids is not None,
        ),
        reference_date=reference,
        mothers=tuple(_mother_rows(mothers, companions, reference)),
        responses=tuple(_response_rows(program, [m.pk for m in mothers])),
        published=published,
        scrub_names=tuple(sorted({n for n in scrub if n}, key=len, reverse=True)),
    )
