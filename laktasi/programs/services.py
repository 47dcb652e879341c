"""Writes for programs: creating programs and sessions, enrolling, recording attendance."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from laktasi.mothers.models import Mother
from laktasi.programs.models import AgendaItem, Attendance, Enrollment, Program, Session


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
    enrollment, _ = Enrollment.objects.get_or_create(program=program, mother=mother)
    return enrollment


def attendance_record(
    *, session: Session, mother: Mother, companion_present: bool, companion=None
) -> Attendance:
    """Mark a mother present (idempotent); enrols her in the program if needed."""
    with transaction.atomic():
        enrollment_add(program=session.program, mother=mother)
        attendance, _ = Attendance.objects.update_or_create(
            session=session,
            mother=mother,
            defaults={"companion_present": companion_present, "companion": companion},
        )
        attendance.full_clean()
    return attendance


def attendance_remove(*, session: Session, mother: Mother) -> None:
    Attendance.objects.filter(session=session, mother=mother).delete()
