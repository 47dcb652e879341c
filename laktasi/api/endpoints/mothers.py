"""Mothers with their babies, companions and consent.

NIK and phone follow ``laktasi.accounts.policy``: lists return only the masked NIK; the detail
returns the full NIK and phone numbers to administrators and midwives (bidan), masked ones to
cadres and coordinators, who may still send new values (write-only). Every detail read is
written to the access log (channel ``api``). Searching by name or NIK is a POST with the terms
in the body, never in the URL (docs/decisions/0002).
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from laktasi.accounts import policy
from laktasi.accounts.models import User
from laktasi.api.concurrency import etag_for, require_if_match
from laktasi.api.pagination import PersonalPage
from laktasi.api.problems import Problem, ProblemError
from laktasi.api.types import Id
from laktasi.mothers.models import Mother
from laktasi.mothers.selectors import mother_get, mother_has_consent, mother_search
from laktasi.mothers.services import consent_record, mother_register, mother_update
from laktasi.places.models import Region, RegionLevel
from laktasi.places.selectors import facility_list
from laktasi.privacy.models import AccessAction
from laktasi.privacy.services import access_log_record

router = Router(tags=["mothers"])


class BabyOut(Schema):
    id: int
    name: str
    birth_date: date
    sex: str
    birth_weight_g: int | None
    early_initiation: bool | None = Field(
        None, description="EIBF: put to the breast within one hour of birth (WHO/UNICEF 2021)."
    )
    imd: bool | None = Field(
        None, description="IMD: skin-to-skin contact for at least one hour (not the same as EIBF)."
    )


class CompanionOut(Schema):
    id: int
    relationship: str
    name: str
    phone: str


class ConsentOut(Schema):
    id: int
    subject: str
    action: str
    text_version: str
    language: str
    purpose: str
    channel: str
    recorded_at: datetime


class MotherSummary(Schema):
    id: int
    identifier: str
    full_name: str
    nik_masked: str
    birth_date: date
    village: str
    facility: Id
    parity: int
    restricted: bool
    updated_at: datetime

    @staticmethod
    def resolve_village(obj) -> str:
        return obj["village"] if isinstance(obj, dict) else obj.village_id

    @staticmethod
    def resolve_facility(obj) -> int:
        return obj["facility"] if isinstance(obj, dict) else obj.facility_id


class MotherOut(MotherSummary):
    nik: str
    phone: str
    address: str
    education: str
    occupation: str
    delivery_date: date | None
    delivery_mode: str
    delivery_place: str
    has_consent: bool
    etag: str
    babies: list[BabyOut]
    companions: list[CompanionOut]
    consents: list[ConsentOut]


class BabyIn(Schema):
    name: str = Field("", max_length=120)
    birth_date: date
    sex: str = Field(..., pattern="^[FM]$")
    birth_weight_g: int | None = Field(None, ge=300, le=7000)
    early_initiation: bool | None = Field(
        None, description="EIBF: put to the breast within one hour of birth (WHO/UNICEF 2021)."
    )
    imd: bool | None = Field(
        None, description="IMD: skin-to-skin contact for at least one hour (not the same as EIBF)."
    )


class CompanionIn(Schema):
    relationship: str = Field(..., max_length=16)
    name: str = Field(..., min_length=1, max_length=120)
    phone: str = Field("", max_length=20)


class ConsentIn(Schema):
    text_version: str = Field(..., min_length=1, max_length=20)
    subject: str = Field("mother", max_length=8)
    action: str = Field("given", max_length=10)
    language: str = Field("id", max_length=5)
    purpose: str = Field("program participation and evaluation", max_length=200)
    channel: str = Field("paper", max_length=10)


class MotherFields(Schema):
    nik: str = Field("", max_length=20)
    phone: str = Field("", max_length=20)
    address: str = Field("", max_length=255)
    education: str = Field("", max_length=16)
    occupation: str = Field("", max_length=16)
    delivery_date: date | None = None
    delivery_mode: str = Field("", max_length=16)
    delivery_place: str = Field("", max_length=16)


class MotherIn(MotherFields):
    full_name: str = Field(..., min_length=1, max_length=120)
    birth_date: date
    village: str = Field(..., max_length=13, description="Kemendagri village code")
    facility: Id
    parity: int = Field(..., ge=1, le=20)
    baby: BabyIn | None = None
    companion: CompanionIn | None = None
    consent: ConsentIn | None = None


class MotherPatch(Schema):
    full_name: str | None = Field(None, min_length=1, max_length=120)
    birth_date: date | None = None
    village: str | None = Field(None, max_length=13)
    facility: Id | None = None
    parity: int | None = Field(None, ge=1, le=20)
    nik: str | None = Field(None, max_length=20)
    phone: str | None = Field(None, max_length=20)
    address: str | None = Field(None, max_length=255)
    education: str | None = Field(None, max_length=16)
    occupation: str | None = Field(None, max_length=16)
    delivery_date: date | None = None
    delivery_mode: str | None = Field(None, max_length=16)
    delivery_place: str | None = Field(None, max_length=16)


def mother_out(mother: Mother, user: User) -> dict:
    data = {f: getattr(mother, f) for f in MotherOut.model_fields if hasattr(mother, f)}
    data.update(
        village=mother.village_id,
        facility=mother.facility_id,
        nik=policy.nik_for(user, mother),
        phone=policy.phone_for(user, mother.phone),
        has_consent=mother_has_consent(mother=mother),
        etag=etag_for(mother),
        babies=list(mother.babies.all()),
        companions=[
            {**CompanionOut.from_orm(c).dict(), "phone": policy.phone_for(user, c.phone)}
            for c in mother.companions.all()
        ],
        consents=list(mother.consents.all()),
    )
    return data


def _village(code: str) -> Region:
    village = Region.objects.filter(code=code, level=RegionLevel.VILLAGE).first()
    if village is None:
        raise ValidationError({"village": ["Unknown village code."]})
    return village


def _facility(user: User, pk: int, current: int | None = None):
    """A facility the policy lets the user place a mother in (or the one she is in)."""
    allowed = policy.facility_choices(user).filter(pk=pk)
    facility = allowed.first() or (
        facility_list(user=user).filter(pk=pk).first() if pk == current else None
    )
    if facility is None:
        raise ValidationError({"facility": ["Unknown facility, or not one of yours."]})
    return facility


class MotherSearch(Schema):
    search: str = Field("", max_length=120, description="name, laktasi ID or full NIK")
    village: str = Field("", max_length=13)
    facility: Id | None = None
    category: str = Field("", max_length=32)


@router.get("/mothers", response=list[MotherSummary], summary="Mothers in scope")
@paginate(PersonalPage)
def mothers(
    request,
    village: str = Query("", max_length=13),
    facility: Id | None = None,
    category: str = Query("", max_length=32),
):
    """Mothers the user may see (masked NIK), filtered by place or result category. To
    search by name or NIK, POST to ``/mothers/search``: names never go in a URL."""
    return mother_search(user=request.user, village=village, facility=facility, category=category)


@router.post("/mothers/search", response=list[MotherSummary], summary="Search mothers in scope")
@paginate(PersonalPage)
def mothers_search(request, payload: MotherSearch):
    """Mothers the user may see (masked NIK), searched by name, identifier or full NIK sent
    in the request body (so they stay out of URLs, proxies' logs and browser history)."""
    return mother_search(
        user=request.user,
        search=payload.search,
        village=payload.village,
        facility=payload.facility,
        category=payload.category,
    )


@router.get("/mothers/{mother_id}", response=MotherOut, summary="One mother")
def mother_detail(request, mother_id: Id, response: HttpResponse):
    """The mother with babies, companions and consents; ``ETag`` for updates."""
    mother = mother_get(user=request.user, pk=mother_id)
    access_log_record(user=request.user, mother=mother, action=AccessAction.VIEW, channel="api")
    response["ETag"] = etag_for(mother)
    return mother_out(mother, request.user)


@router.post(
    "/mothers",
    response={201: MotherOut, 403: Problem},
    summary="Register a mother (with baby, companion and consent)",
)
def mother_create(request, payload: MotherIn, response: HttpResponse):
    user = request.user
    if not policy.may_register(user):
        raise ProblemError(403, "Your role cannot register mothers.")
    fields = payload.dict(exclude={"full_name", "birth_date", "village", "facility", "parity",
                                   "baby", "companion", "consent"})  # fmt: skip
    with transaction.atomic():
        mother = mother_register(
            registered_by=user,
            full_name=payload.full_name,
            birth_date=payload.birth_date,
            village=_village(payload.village),
            facility=_facility(user, payload.facility),
            parity=payload.parity,
            baby=payload.baby.dict() if payload.baby else None,
            companion=payload.companion.dict() if payload.companion else None,
            consent=payload.consent.dict() if payload.consent else None,
            **fields,
        )
    response["ETag"] = etag_for(mother)
    return 201, mother_out(mother, user)


@router.patch(
    "/mothers/{mother_id}",
    response={200: MotherOut, 403: Problem, 412: Problem, 428: Problem},
    summary="Correct a mother's data (If-Match required)",
)
def mother_patch(request, mother_id: Id, payload: MotherPatch, response: HttpResponse):
    """Send ``If-Match: <ETag>``; a stale ETag gets 412 and changes nothing."""
    user = request.user
    mother = mother_get(user=user, pk=mother_id)
    if not policy.may_edit_mother(user, mother):
        raise ProblemError(403, "Your role cannot change mothers.")
    changes = payload.dict(exclude_unset=True)
    with transaction.atomic():
        locked = Mother.objects.select_for_update().get(pk=mother.pk)
        require_if_match(request, locked)
        if changes.get("village") is not None:
            changes["village"] = _village(changes["village"])
        if changes.get("facility") is not None:
            changes["facility"] = _facility(user, changes["facility"], locked.facility_id)
        changes = {k: v for k, v in changes.items() if v is not None or k == "delivery_date"}
        mother_update(mother=locked, by=user, channel="api", **changes)
    response["ETag"] = etag_for(locked)
    return mother_out(locked, user)


@router.post(
    "/mothers/{mother_id}/consents",
    response={201: ConsentOut, 403: Problem},
    summary="Record a consent or a withdrawal",
)
def consent_create(request, mother_id: Id, payload: ConsentIn):
    user = request.user
    mother = mother_get(user=user, pk=mother_id)
    if not policy.sees_personal_data(user):
        raise ProblemError(403, "Your role cannot record consent.")
    fields = payload.dict()
    consent = consent_record(
        mother=mother,
        recorded_by=user,
        text_version=fields.pop("text_version"),
        action=fields.pop("action"),
        **fields,
    )
    return 201, consent
