"""Who may set up a program's data server, who may pull, and the servers a user sees."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from laktasi.accounts.models import Role, User
from laktasi.imports.pull.models import PullRun, ServerSource
from laktasi.imports.selectors import importable_programs
from laktasi.programs.models import Program

PULL_ROLES = {Role.ADMIN, Role.COORDINATOR, Role.MIDWIFE}
CONFIGURE_ROLES = {Role.ADMIN, Role.COORDINATOR}


def can_pull(*, user: User, program: Program | None = None) -> bool:
    """Administrators, coordinators and midwives pull, for programs in their scope."""
    if not user.is_authenticated or (user.role not in PULL_ROLES and not user.is_administrator):
        return False
    return program is None or importable_programs(user=user).filter(pk=program.pk).exists()


def can_configure(*, user: User, program: Program | None = None) -> bool:
    """Administrators and coordinators hold a program's server address and token."""
    if not user.is_authenticated or (
        user.role not in CONFIGURE_ROLES and not user.is_administrator
    ):
        return False
    return program is None or importable_programs(user=user).filter(pk=program.pk).exists()


def source_list(*, user: User) -> QuerySet[ServerSource]:
    if not can_pull(user=user):
        return ServerSource.objects.none()
    return ServerSource.objects.filter(program__in=importable_programs(user=user)).select_related(
        "program"
    )


def source_get(*, user: User, pk: int | str) -> ServerSource:
    try:
        return source_list(user=user).get(pk=pk)
    except (ServerSource.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("server not found") from exc


def pullrun_latest(*, user: User, sources) -> dict[int, PullRun]:
    """The latest pull this user asked for, per source (source pk → run)."""
    latest: dict[int, PullRun] = {}
    runs = PullRun.objects.filter(requested_by=user, source__in=sources).order_by("-created_at")
    for run in runs[:200]:
        latest.setdefault(run.source_id, run)
    return latest
