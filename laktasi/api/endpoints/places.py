"""Regions (public reference data) and facilities (scoped)."""

from typing import Annotated

from django.http import Http404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from laktasi.api.pagination import Page
from laktasi.api.types import Id
from laktasi.places import selectors as places
from laktasi.places.models import Region

router = Router(tags=["places"])


class RegionOut(Schema):
    code: str
    name: str
    level: int
    parent: str | None

    @staticmethod
    def resolve_parent(obj: Region) -> str | None:
        return obj.parent_id


class FacilityOut(Schema):
    id: int
    kind: str
    name: str
    village: str
    puskesmas: int | None
    address: str
    phone: str
    schedule: str

    @staticmethod
    def resolve_village(obj) -> str:
        return obj.village_id

    @staticmethod
    def resolve_puskesmas(obj) -> int | None:
        return obj.puskesmas_id


@router.get("/regions", response=list[RegionOut], summary="Kemendagri regions")
@paginate(Page)
def region_list(
    request,
    parent: str = "",
    level: Annotated[int, Field(ge=1, le=4)] | None = None,
    search: str = "",
):
    """Regions by parent code, level (1 province … 4 village) or name/code prefix."""
    return places.region_list(parent=parent, level=level, search=search).order_by("code")


@router.get("/regions/{code}", response=RegionOut, summary="One region")
def region_detail(request, code: str):
    region = places.region_get(code=code)
    if region is None:
        raise Http404
    return region


@router.get("/facilities", response=list[FacilityOut], summary="Facilities")
@paginate(Page)
def facilities(request, kind: str = "", village: str = ""):
    """Facilities visible to the user, filtered by kind or region code prefix."""
    return places.facility_list(user=request.user, kind=kind, region=village).order_by(
        "kind", "name", "pk"
    )


@router.get("/facilities/{facility_id}", response=FacilityOut, summary="One facility")
def facility_detail(request, facility_id: Id):
    return places.facility_get(user=request.user, pk=facility_id)
