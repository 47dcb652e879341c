"""Instrument definitions, and responses (created scored, read back)."""

import uuid
from datetime import datetime
from typing import Any

from django.http import Http404, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from laktasi.api.pagination import PersonalPage
from laktasi.api.problems import Problem, ProblemError
from laktasi.api.types import Id
from laktasi.core.idempotency import submission_replay
from laktasi.instruments import registry
from laktasi.instruments.models import Response, Source
from laktasi.instruments.selectors import response_get, response_list
from laktasi.instruments.services import response_record
from laktasi.mothers.selectors import mother_get
from laktasi.programs.selectors import program_get, session_get

router = Router(tags=["instruments"])


def aware(value: datetime | None, field: str) -> datetime | None:
    """A client time made time-zone aware (local time when naive), within a sane range."""
    if value is None:
        return None
    if value.year < 1900 or value.year > 2999:
        raise ProblemError(422, "The date is out of range.", kind="validation",
                           errors={field: ["Out of range."]})  # fmt: skip
    return value if timezone.is_aware(value) else timezone.make_aware(value)


class TextOut(Schema):
    id: str
    en: str


class ChoiceOut(Schema):
    name: str
    label: TextOut


class ItemOut(Schema):
    id: str
    type: str
    label: TextOut | None
    required: bool
    choices: list[ChoiceOut]
    min: int | None
    max: int | None
    critical: bool
    group: str | None


class InstrumentSummary(Schema):
    id: str
    version: str
    versions: list[str]
    kind: str
    title: TextOut
    validated: bool
    respondent: str


class InstrumentOut(InstrumentSummary):
    description: TextOut
    license: str
    scale_min: int | None
    scale_max: int | None
    items: list[ItemOut]


def _summary(definition: registry.InstrumentDefinition) -> dict:
    return {
        "id": definition.id,
        "version": definition.version,
        "versions": list(registry.load_all()[definition.id]),
        "kind": definition.kind,
        "title": definition.title_text,
        "validated": definition.validated,
        "respondent": definition.respondent,
    }


@router.get("/instruments", response=list[InstrumentSummary], summary="Instruments")
def instruments(request):
    """The latest version of every instrument (older versions stay readable by version)."""
    return [_summary(registry.get(iid)) for iid in sorted(registry.load_all())]


@router.get("/instruments/{instrument_id}", response=InstrumentOut, summary="One instrument")
def instrument_detail(request, instrument_id: str, version: str = Query("", max_length=16)):
    try:
        definition = registry.get(instrument_id, version or None)
    except registry.UnknownInstrumentError as exc:
        raise Http404 from exc
    return {
        **_summary(definition),
        "description": definition.description_text,
        "license": definition.license,
        "scale_min": definition.scale_min,
        "scale_max": definition.scale_max,
        "items": [
            {
                "id": it.id,
                "type": it.type,
                "label": it.label,
                "required": it.required,
                "choices": [{"name": c.name, "label": c.label} for c in it.choices],
                "min": it.min,
                "max": it.max,
                "critical": it.critical,
                "group": it.group,
            }
            for it in definition.items
        ],
    }


class ResponseOut(Schema):
    id: int
    submission_uuid: uuid.UUID
    mother: Id
    program: int | None
    session: int | None
    instrument_id: str
    instrument_version: str
    timepoint: str
    followup_number: int
    observer: str
    answers: dict[str, Any]
    score_pct: float | None
    category: str
    complete: bool
    collected_at: datetime
    source: str

    @staticmethod
    def resolve_mother(obj: Response) -> int:
        return obj.mother_id

    @staticmethod
    def resolve_program(obj: Response) -> int | None:
        return obj.program_id

    @staticmethod
    def resolve_session(obj: Response) -> int | None:
        return obj.session_id


class ResponseIn(Schema):
    submission_uuid: uuid.UUID | None = Field(
        None, description="Client UUID: sending it again returns the stored response (200)."
    )
    mother: Id
    instrument_id: str = Field(..., max_length=64)
    version: str | None = Field(None, max_length=16)
    timepoint: str = Field(..., max_length=10)
    followup_number: int = Field(0, ge=0, le=32767)
    observer: str = Field("primary", max_length=10)
    program: Id | None = None
    session: Id | None = None
    performed_by_companion: Id | None = None
    answers: dict[str, Any]
    collected_at: datetime | None = None


@router.get("/responses", response=list[ResponseOut], summary="Responses")
@paginate(PersonalPage)
def responses(
    request,
    mother: Id | None = None,
    program: Id | None = None,
    instrument: str = Query("", max_length=64),
    timepoint: str = Query("", max_length=10),
):
    return response_list(
        user=request.user,
        mother=mother,
        program=program,
        instrument_id=instrument,
        timepoint=timepoint,
    ).order_by("collected_at", "pk")


@router.get("/responses/{response_id}", response=ResponseOut, summary="One response")
def response_detail(request, response_id: Id):
    return response_get(user=request.user, pk=response_id)


@router.post(
    "/responses",
    response={200: ResponseOut, 201: ResponseOut, 403: Problem},
    summary="Record a response (scored; idempotent on submission_uuid)",
)
def response_create(request, payload: ResponseIn, response: HttpResponse):
    """201 with the scored response; 200 with the stored one when the UUID was seen before."""
    user = request.user
    existing = submission_replay(Response, payload.submission_uuid)
    if existing is not None:
        return 200, response_get(user=user, pk=existing.pk)
    if not user.sees_personal_data:
        raise ProblemError(403, "Your role cannot record responses.")
    mother = mother_get(user=user, pk=payload.mother)
    program = program_get(user=user, pk=payload.program) if payload.program else None
    session = session_get(user=user, pk=payload.session) if payload.session else None
    companion = None
    if payload.performed_by_companion is not None:
        companion = mother.companions.filter(pk=payload.performed_by_companion).first()
        if companion is None:
            raise ProblemError(422, "This companion is not hers.", kind="validation",
                               errors={"performed_by_companion": ["Unknown companion."]})  # fmt: skip
    record, created = response_record(
        mother=mother,
        instrument_id=payload.instrument_id,
        version=payload.version,
        timepoint=payload.timepoint,
        followup_number=payload.followup_number,
        observer=payload.observer,
        answers=payload.answers,
        collected_by=user,
        source=Source.API,
        program=program,
        session=session,
        performed_by_companion=companion,
        submission_uuid=payload.submission_uuid,
        collected_at=aware(payload.collected_at, "collected_at"),
    )
    response["Location"] = f"{request.path.rstrip('/')}/{record.pk}"
    return (201 if created else 200), record
