"""Writes for programs: creating programs and sessions, enrolling, recording attendance."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from laktasi.accounts.models import User
from laktasi.core.idempotency import key_claim as idempotency_claim
from laktasi.core.idempotency import key_lookup as idempotency_lookup
from laktasi.core.idempotency import save_once, submission_replay
from laktasi.mothers.models import Companion, Mother
from laktasi.mothers.services import require_processing_allowed
from laktasi.programs.models import (
    AgendaItem,
    Attendance,
    Consultation,
    Enrollment,
    Program,
    Session,
)


def program_create(*, villages=(), team=(), **fields: Any) -> Program:
    program = Program(**fields)
    program.full_clean()
    with transaction.atomic():
        program.save()
        program.villages.set(villages)
        program.team.set(team)
    return program


def session_create(
    *, program: Program, agenda: list[tuple[str, int]] = (), **fields: Any
) -> Session:
    """Create a session with its agenda as (kind, minutes) pairs, in order."""
    session = Session(program=program, **fields)
    session.full_clean()
    with transaction.atomic():
        session.save()
        for order, (kind, minutes) in enumerate(agenda, start=1):
            item = AgendaItem(session=session, order=order, kind=kind, duration_minutes=minutes)
            item.full_clean()
            item.save()
    return session


def enrollment_add(*, program: Program, mother: Mother) -> Enrollment:
    require_processing_allowed(mother=mother)
    enrollment, _ = Enrollment.objects.get_or_create(program=program, mother=mother)
    return enrollment


def attendance_record(
    *,
    session: Session,
    mother: Mother,
    companion_present: bool,
    companion=None,
    pregnant: bool | None = None,
    antenatal_expression_cleared: bool | None = None,
) -> Attendance:
    """Mark a mother present (idempotent); enrols her in the program if needed.

    ``pregnant`` and ``antenatal_expression_cleared`` are left as recorded when None; a
    participant no longer pregnant loses the clearance too.
    """
    require_processing_allowed(mother=mother)
    defaults: dict = {"companion_present": companion_present, "companion": companion}
    if pregnant is not None:
        defaults["pregnant"] = pregnant
        if not pregnant:
            defaults["antenatal_expression_cleared"] = False
    if antenatal_expression_cleared is not None:
        defaults["antenatal_expression_cleared"] = antenatal_expression_cleared
    with transaction.atomic():
        enrollment_add(program=session.program, mother=mother)
        attendance, _ = Attendance.objects.update_or_create(
            session=session, mother=mother, defaults=defaults
        )
        attendance.full_clean()
    return attendance


def attendance_remove(*, session: Session, mother: Mother) -> None:
    Attendance.objects.filter(session=session, mother=mother).delete()


def attendance_set(
    *,
    session: Session,
    mother: Mother,
    present: bool,
    companion_present: bool,
    pregnant: bool | None = None,
) -> Attendance | None:
    """Tick or untick one mother (and her companion) on a session's attendance list.

    A companion counts only when the mother is ticked present; the first companion on record is
    linked. Idempotent: sending the same ticks twice changes nothing.
    """
    if not present:
        attendance_remove(session=session, mother=mother)
        return None
    companion: Companion | None = mother.companions.first() if companion_present else None
    return attendance_record(
        session=session,
        mother=mother,
        companion_present=companion_present,
        companion=companion,
        pregnant=pregnant,
    )


# The idempotency kind of one attendance tick sent from a phone's offline queue.
ATTENDANCE_KIND = "attendance_set"


def _attendance_matches(
    current: Attendance | None, *, present: bool, companion_present: bool, pregnant: bool | None
) -> bool:
    """True when the stored row already says what the ticks say (nothing to change)."""
    if current is None or not present:
        return (current is None) == (not present)
    return current.companion_present == companion_present and (
        pregnant is None or current.pregnant == pregnant
    )


def attendance_set_once(
    *,
    session: Session,
    mother: Mother,
    key: uuid.UUID,
    present: bool,
    companion_present: bool,
    pregnant: bool | None = None,
) -> tuple[Attendance | None, bool]:
    """Apply one row's ticks at most once per idempotency ``key``; returns (row, changed).

    ``changed`` is False for a replayed key and for ticks that are already on record (a repeat
    of the same state): attendance is one row per session and mother, so a repeat never counts
    twice. Refusals (restricted mother, consent withdrawn) are ``attendance_record``'s
    ValidationErrors, raised before the key is claimed so a fixed entry can be sent again.
    """
    with transaction.atomic():
        current = Attendance.objects.filter(session=session, mother=mother).first()
        if idempotency_lookup(key=key, kind=ATTENDANCE_KIND) is not None:
            return current, False
        if present:
            require_processing_allowed(mother=mother)
        same = _attendance_matches(
            current, present=present, companion_present=companion_present, pregnant=pregnant
        )
        row = current
        if not same:
            row = attendance_set(
                session=session, mother=mother, present=present,
                companion_present=companion_present, pregnant=pregnant,
            )  # fmt: skip
        if not idempotency_claim(key=key, kind=ATTENDANCE_KIND, object_pk=mother.pk):
            return current, False
    return row, not same


def consultation_record(
    *,
    mother: Mother,
    recorded_by: User | None,
    question: str,
    advice: str,
    program: Program | None = None,
    session: Session | None = None,
    referral_needed: bool = False,
    referred_to: str = "",
    followup_date: date | None = None,
    recorded_at: datetime | None = None,
    submission_uuid: uuid.UUID | str | None = None,
) -> tuple[Consultation, bool]:
    """Record a consultation; returns (consultation, created).

    A replay with a known ``submission_uuid`` (a double-submitted form) returns the stored
    consultation unchanged.
    """
    existing = submission_replay(Consultation, submission_uuid)
    if existing is not None:
        return existing, False
    require_processing_allowed(mother=mother)
    if session is not None and program is None:
        program = session.program
    consultation = Consultation(
        mother=mother,
        program=program,
        session=session,
        question=question.strip(),
        advice=advice.strip(),
        referral_needed=referral_needed,
        referred_to=referred_to.strip() if referral_needed else "",
        followup_date=followup_date,
        recorded_by=recorded_by,
        recorded_at=recorded_at or timezone.now(),
        submission_uuid=submission_uuid or uuid.uuid4(),
    )
    consultation.full_clean(validate_unique=False)
    return save_once(consultation)


# The idempotency kind of a consultation: the form's token, from the web page or a phone's
# offline queue, so a form sent both ways is saved once.
CONSULTATION_KIND = "consultation_record"


@transaction.atomic
def consultation_record_once(*, key: uuid.UUID, **kwargs: Any) -> tuple[Consultation | None, bool]:
    """Record a consultation at most once per idempotency ``key``; returns (row, created).

    The key is also the consultation's ``submission_uuid`` and is claimed in
    ``core.IdempotencyKey`` in the same transaction, so a replay days later (a phone's queue)
    finds it. A known key returns the first consultation (None if it was erased since) with
    ``created`` False. Refusals (restricted mother, consent withdrawn, a follow-up date before
    the consultation) are ``consultation_record``'s ValidationErrors; the key stays unclaimed,
    so a corrected entry can be sent again.
    """
    known = idempotency_lookup(key=key, kind=CONSULTATION_KIND)
    if known is not None:
        return Consultation.objects.filter(pk=known).first(), False
    consultation, created = consultation_record(submission_uuid=key, **kwargs)
    if not idempotency_claim(key=key, kind=CONSULTATION_KIND, object_pk=consultation.pk):
        return consultation, False
    return consultation, created
