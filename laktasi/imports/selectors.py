"""Reads for imports, scoped to the user: jobs, and where a user may import into."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from laktasi.accounts.models import User
from laktasi.imports.models import ImportJob
from laktasi.places.models import Facility
from laktasi.places.selectors import facility_list
from laktasi.programs.models import Program
from laktasi.programs.selectors import program_list


def can_import(*, user: User) -> bool:
    """Administrators, coordinators, midwives and cadres import; viewers never do."""
    return bool(user.is_authenticated and user.is_active and user.sees_personal_data)


def importable_programs(*, user: User) -> QuerySet[Program]:
    if not can_import(user=user):
        return Program.objects.none()
    return program_list(user=user)


def importable_facilities(*, user: User) -> QuerySet[Facility]:
    if not can_import(user=user):
        return Facility.objects.none()
    return facility_list(user=user)


def importjob_list(*, user: User) -> QuerySet[ImportJob]:
    """A user's own imports; administrators see every import."""
    qs = ImportJob.objects.select_related("program", "facility", "created_by")
    if not can_import(user=user):
        return qs.none()
    return qs if user.is_administrator else qs.filter(created_by=user)


def importjob_get(*, user: User, pk: int | str) -> ImportJob:
    try:
        return importjob_list(user=user).get(pk=pk)
    except (ImportJob.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("import not found") from exc
