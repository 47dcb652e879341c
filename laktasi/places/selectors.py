"""Reads for places. Regions are public reference data; facilities are scoped by role."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from laktasi.accounts.models import Role, User
from laktasi.places.models import Facility, FacilityKind, Region, RegionLevel


def region_get(*, code: str) -> Region | None:
    """The region with this Kemendagri code, or None."""
    return Region.objects.filter(code=code.strip()).first()


def region_list(
    *, parent: str = "", level: int | None = None, search: str = ""
) -> QuerySet[Region]:
    """Regions (public reference data) under a parent code, at a level (1 province … 4
    village), or whose code or name starts with ``search``."""
    qs = Region.objects.all()
    if parent:
        qs = qs.filter(parent_id=parent)
    if level is not None:
        qs = qs.filter(level=level)
    text = search.strip()
    if text:
        qs = qs.filter(Q(code__startswith=text) | Q(name__istartswith=text))
    return qs


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


def facility_list(*, user: User, kind: str = "", region: str = "") -> QuerySet[Facility]:
    """Facilities visible to the user: all for administrators and viewers (no personal data),
    their own network for midwives and cadres, those of their programs (and of the mothers
    enrolled in them) for coordinators; optionally only one kind, or those whose village's
    code starts with ``region`` (a filter only narrows what the user sees).

    Where a user may *place* a mother is ``laktasi.accounts.policy.facility_choices``."""
    qs = _facilities_visible(user)
    if kind:
        qs = qs.filter(kind=kind)
    if region:
        qs = qs.filter(village__code__startswith=region)
    return qs


def facility_get(*, user: User, pk: int | str) -> Facility:
    """A facility the user may see; Http404 otherwise."""
    try:
        return facility_list(user=user).get(pk=pk)
    except (Facility.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("facility not found") from exc


def _facilities_visible(user: User) -> QuerySet[Facility]:
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
