"""Visits (scheduled contacts to six months, recorded with the 24-hour recall) and tasks."""

import uuid
from datetime import date
from typing import Any

from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from laktasi.api.pagination import PersonalPage, access_log_list
from laktasi.api.problems import Problem, ProblemError
from laktasi.api.types import Id
from laktasi.core.idempotency import key_claim as idempotency_claim
from laktasi.core.idempotency import key_lookup as idempotency_lookup
from laktasi.followups.models import Visit
from laktasi.followups.rules import alert_level
from laktasi.followups.selectors import task_list, task_state, visit_get, visit_list
from laktasi.followups.services import VISIT_KIND, visit_record
from laktasi.instruments.models import Source

router = Router(tags=["followups"])


class VisitOut(Schema):
    id: int
    baby: int
    mother: Id
    key: str
    number: int
    scheduled: bool
    state: str
    due_date: date
    window_start: date
    window_end: date
    done_on: date | None
    mode: str
    recall: int | None
    feeding_status: str
    age_days: int | None
    age_months: int | None
    problems: list[str]
    massage_done: bool | None
    massage_by: str
    weight_g: int | None
    wet_nappies: int | None
    referral_made: bool
    notes: str

    @staticmethod
    def resolve_baby(obj: Visit) -> int:
        return obj.baby_id

    @staticmethod
    def resolve_mother(obj: Visit) -> int:
        return obj.baby.mother_id

    @staticmethod
    def resolve_recall(obj: Visit) -> int | None:
        return obj.recall_id

    @staticmethod
    def resolve_state(obj: Visit) -> str:
        return task_state(obj, timezone.localdate())


class VisitRecordIn(Schema):
    submission_uuid: uuid.UUID | None = Field(
        None, description="Client UUID: sending it again returns the recorded visit (200)."
    )
    done_on: date
    mode: str = Field(..., max_length=10)
    recall_answers: dict[str, Any] | None = None
    problems: list[str] = Field(default_factory=list, max_length=10)
    massage_done: bool | None = None
    massage_by: str = Field("", max_length=16)
    weight_g: int | None = Field(None, ge=500, le=15000)
    wet_nappies: int | None = Field(
        None, ge=0, le=40, description="Wet nappies in the last 24 hours (judged by day of life)."
    )
    referral_made: bool = False
    notes: str = Field("", max_length=500)


class TaskOut(Schema):
    visit: VisitOut
    state: str
    alerts: list[str]


class UrgentOut(Schema):
    baby: int
    mother: Id
    level: str = Field(..., description="same_day or within_a_day")
    alerts: list[str]


class TasksOut(Schema):
    today: date
    urgent: list[UrgentOut] = Field(
        ..., description="Danger signs and weight referrals: the bidan today or within a day."
    )
    due_today: list[TaskOut]
    overdue: list[TaskOut]
    upcoming: list[TaskOut]
    missed: list[TaskOut]


@router.get("/visits", response=list[VisitOut], summary="Visits")
@paginate(PersonalPage)
def visits(
    request,
    baby: Id | None = None,
    mother: Id | None = None,
    done: bool | None = None,
    due_from: date | None = None,
    due_to: date | None = None,
):
    return visit_list(
        user=request.user, baby=baby, mother=mother, done=done, due_from=due_from, due_to=due_to
    ).order_by("due_date", "pk")


@router.get("/visits/{visit_id}", response=VisitOut, summary="One visit")
def visit_detail(request, visit_id: Id):
    return visit_get(user=request.user, pk=visit_id)


@router.post(
    "/visits/{visit_id}/record",
    response={200: VisitOut, 201: VisitOut, 403: Problem, 409: Problem},
    summary="Record a visit (idempotent on submission_uuid)",
)
def visit_record_endpoint(request, visit_id: Id, payload: VisitRecordIn, response: HttpResponse):
    """201 when recorded now; 200 with the visit when this UUID recorded it before;
    409 when the visit was already recorded by another submission."""
    user = request.user
    visit = visit_get(user=user, pk=visit_id)
    if payload.submission_uuid is not None:
        known = idempotency_lookup(key=payload.submission_uuid, kind=VISIT_KIND)
        if known is not None:
            return 200, visit_get(user=user, pk=known)
    if not user.sees_personal_data:
        raise ProblemError(403, "Your role cannot record visits.")
    if visit.done_on is not None:
        raise ProblemError(409, "This visit has already been recorded.", kind="conflict")
    with transaction.atomic():
        recorded = visit_record(
            visit=visit,
            recorded_by=user,
            done_on=payload.done_on,
            mode=payload.mode,
            recall_answers=payload.recall_answers,
            problems=payload.problems,
            massage_done=payload.massage_done,
            massage_by=payload.massage_by,
            weight_g=payload.weight_g,
            wet_nappies=payload.wet_nappies,
            referral_made=payload.referral_made,
            notes=payload.notes,
            source=Source.API,
        )
        if payload.submission_uuid is not None:
            idempotency_claim(key=payload.submission_uuid, kind=VISIT_KIND, object_pk=visit.pk)
    return 201, recorded


@router.get("/tasks", response=TasksOut, summary="The user's follow-up tasks")
def tasks(request, today: date | None = None):
    """Due today, overdue, coming up (14 days) and recently missed visits, with alerts."""
    if today is not None and not 2000 <= today.year <= 2100:
        raise ProblemError(422, "The date is out of range.", kind="validation",
                           errors={"today": ["Out of range."]})  # fmt: skip
    found = task_list(user=request.user, today=today)
    access_log_list(
        request=request,
        items=[t.visit for group in (found.due_today, found.overdue, found.upcoming,
                                     found.missed) for t in group],
    )  # fmt: skip

    def rows(items):
        return [{"visit": t.visit, "state": t.state, "alerts": t.alerts} for t in items]

    return {
        "today": found.today,
        "urgent": [
            {
                "baby": baby.pk,
                "mother": baby.mother_id,
                "level": alert_level(codes[0]),
                "alerts": codes,
            }
            for baby, codes in found.urgent
        ],  # fmt: skip
        "due_today": rows(found.due_today),
        "overdue": rows(found.overdue),
        "upcoming": rows(found.upcoming),
        "missed": rows(found.missed),
    }
