"""Reads for programs and sessions, scoped to the user."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from laktasi.accounts.models import Role, User
from laktasi.mothers.selectors import scope
from laktasi.places.models import Facility
from laktasi.places.selectors import facility_ids_for
from laktasi.programs.models import Attendance, Consultation, Enrollment, Program, Session


def program_list(*, user: User, kind: str = "") -> QuerySet[Program]:
    """Programs the user may open, optionally only one kind. Viewers see every program, but
    only its aggregates."""
    qs = _programs_visible(user)
    return qs.filter(kind=kind) if kind else qs


def _programs_visible(user: User) -> QuerySet[Program]:
    qs = Program.objects.select_related("facility__village")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.is_administrator or user.role == Role.VIEWER:
        return qs
    condition = Q(team=user)
    if user.role in {Role.MIDWIFE, Role.CADRE}:
        ids = facility_ids_for(user=user) or set()
        villages = Facility.objects.filter(pk__in=ids).values("village")
        condition |= Q(facility__in=ids) | Q(villages__in=villages)
    return qs.filter(pk__in=Program.objects.filter(condition).values("pk"))


def program_get(*, user: User, pk: int | str) -> Program:
    try:
        return program_list(user=user).get(pk=pk)
    except (Program.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("program not found") from exc


def session_list(*, user: User, program: Program | int | None = None) -> QuerySet[Session]:
    """Sessions of the programs the user may open, optionally one program's (an instance or
    an id; a program out of scope gives no sessions)."""
    qs = Session.objects.filter(program__in=program_list(user=user)).select_related("program")
    return qs.filter(program=program) if program is not None else qs


def session_get(*, user: User, pk: int | str) -> Session:
    try:
        return session_list(user=user).get(pk=pk)
    except (Session.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("session not found") from exc


def enrollment_list(
    *, user: User, program: Program | None = None, mother=None
) -> QuerySet[Enrollment]:
    """Enrolments of mothers the user may see (names are personal data), optionally one
    program's or one mother's."""
    qs = scope(Enrollment.objects.select_related("mother", "program"), user=user, prefix="mother__")
    qs = qs.filter(program__in=program_list(user=user))
    if mother is not None:
        qs = qs.filter(mother=mother)
    return qs.filter(program=program) if program else qs


def attendance_list(*, user: User, session: Session | None = None) -> QuerySet[Attendance]:
    qs = scope(
        Attendance.objects.select_related("mother", "session", "companion"),
        user=user,
        prefix="mother__",
    )
    qs = qs.filter(session__program__in=program_list(user=user))
    return qs.filter(session=session) if session else qs


def attendance_get(*, user: User, pk: int | str) -> Attendance:
    try:
        return attendance_list(user=user).get(pk=pk)
    except (Attendance.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("attendance not found") from exc


def consultation_list(*, user: User, mother=None) -> QuerySet[Consultation]:
    """Consultations of mothers the user may see, newest first."""
    qs = scope(
        Consultation.objects.select_related("mother", "program", "session", "recorded_by"),
        user=user,
        prefix="mother__",
    )
    return qs.filter(mother=mother) if mother is not None else qs


def consultation_get(*, user: User, pk: int | str) -> Consultation:
    try:
        return consultation_list(user=user).get(pk=pk)
    except (Consultation.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("consultation not found") from exc
