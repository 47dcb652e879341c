"""Reads for places. Regions are public reference data; facilities are scoped by role."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from laktasi.accounts.models import Role, User
from laktasi.places.models import Facility, FacilityKind, Region, RegionLevel


def region_get(*, code: str) -> Region | None:
    """The region with this Kemendagri code, or None."""
    return Region.objects.filter(code=code.strip()).first()


def village_search(*, text: str, limit: int = 20) -> QuerySet[Region]:
    """Villages whose name or code starts with ``text`` (never matched by name alone later)."""
    text = text.strip()
    qs = Region.objects.filter(level=RegionLevel.VILLAGE).select_related("parent__parent")
    if not text:
        return qs.none()
    return qs.filter(Q(code__startswith=text) | Q(name__istartswith=text))[:limit]


def facility_ids_for(*, user: User) -> set[int] | None:
    """IDs of the facilities whose mothers this user may see; None means all."""
    if user.is_administrator:
        return None
    own = Facility.objects.filter(staff=user)
    if user.role == Role.MIDWIFE:
        return set(
            Facility.objects.filter(Q(pk__in=own) | Q(puskesmas__in=own)).values_list(
                "pk", flat=True
            )
        )
    if user.role == Role.CADRE:
        return set(own.filter(kind=FacilityKind.POSYANDU).values_list("pk", flat=True))
    return set()


def facility_list(*, user: User) -> QuerySet[Facility]:
    """Facilities visible to the user: all for administrators and viewers (no personal data),
    their own network for midwives and cadres, those of their programs (and of the mothers
    enrolled in them) for coordinators.

    Where a user may *place* a mother is ``laktasi.accounts.policy.facility_choices``."""
    qs = Facility.objects.select_related("village", "puskesmas")
    if user.is_administrator or user.role == Role.VIEWER:
        return qs
    if user.role == Role.COORDINATOR:
        return qs.filter(
            Q(pk__in=user.programs.values("facility"))
            | Q(
                pk__in=Facility.objects.filter(mothers__enrollments__program__team=user).values(
                    "pk"
                )
            )
        )
    ids = facility_ids_for(user=user)
    return qs.filter(pk__in=ids or [])


def villages_near(*, facilities: QuerySet[Facility], limit: int = 500) -> QuerySet[Region]:
    """The villages of the kecamatan where ``facilities`` lie (public reference data): the
    registration form lists them so that a village can be picked by name without signal."""
    districts = Region.objects.filter(
        level=RegionLevel.VILLAGE, code__in=facilities.values("village")
    ).values("parent")
    return (
        Region.objects.filter(level=RegionLevel.VILLAGE, parent__in=districts)
        .select_related("parent__parent")
        .order_by("name", "code")[:limit]
    )
