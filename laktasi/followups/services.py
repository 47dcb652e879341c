"""Writes for follow-up: schedules, visits (with their recall) and the indicator snapshots."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from itertools import islice
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from laktasi.accounts.models import User
from laktasi.core.idempotency import key_claim as idempotency_claim
from laktasi.core.idempotency import key_lookup as idempotency_lookup
from laktasi.followups import aggregates
from laktasi.followups.models import (
    RECALL_INSTRUMENT,
    SIX_MONTHS_DAYS,
    FollowupPlan,
    IndicatorSnapshot,
    Visit,
    default_contacts,
)
from laktasi.followups.rollups import rollups_refresh
from laktasi.followups.schedule import completed_months, contact_dates
from laktasi.instruments import registry, scoring
from laktasi.instruments.models import Response, Source, Timepoint
from laktasi.instruments.services import response_record, response_update
from laktasi.mothers.models import Baby
from laktasi.mothers.services import require_processing_allowed
from laktasi.places.models import Facility


def plan_for_baby(*, baby: Baby) -> list[dict]:
    """The contacts of the first program (by start date) of the mother that has a plan,
    else the documented default."""
    plan = (
        FollowupPlan.objects.filter(program__enrollments__mother_id=baby.mother_id)
        .order_by("program__start_date", "pk")
        .first()
    )
    return plan.contacts if plan else settings.LAKTASI_FOLLOWUP_CONTACTS or default_contacts()


def visits_schedule(
    *, baby: Baby, since: date | None = None, contacts: list[dict] | None = None
) -> tuple[int, int]:
    """Create the baby's missing scheduled visits and move open ones to the plan's dates.

    Contacts whose window closed before ``since`` (default: the day the baby was registered)
    are not created, so a baby enrolled at three months does not start with missed visits.
    Done visits are never changed. Idempotent; returns (created, updated).
    """
    contacts = contacts if contacts is not None else plan_for_baby(baby=baby)
    if since is None:
        since = timezone.localdate(baby.created_at) if baby.created_at else baby.birth_date
    existing = {v.key: v for v in baby.visits.filter(scheduled=True)}
    created = updated = 0
    for c in contact_dates(baby.birth_date, contacts):
        visit = existing.get(c.key)
        if visit is None:
            if c.window_end < since:
                continue
            Visit.objects.create(
                baby=baby,
                key=c.key,
                number=c.number,
                due_date=c.due_date,
                window_start=c.window_start,
                window_end=c.window_end,
            )
            created += 1
        elif visit.done_on is None and (
            (visit.due_date, visit.window_start, visit.window_end, visit.number)
            != (c.due_date, c.window_start, c.window_end, c.number)
        ):
            visit.due_date, visit.window_start = c.due_date, c.window_start
            visit.window_end, visit.number = c.window_end, c.number
            visit.save(update_fields=["due_date", "window_start", "window_end", "number"])
            updated += 1
    return created, updated


def schedules_refresh(*, babies=None) -> dict[str, int]:
    """Schedule every baby still in follow-up (or the given queryset); cron-safe.

    Babies older than six months and a month have no open contact left to create or move.
    """
    if babies is None:
        oldest = timezone.localdate() - timedelta(days=SIX_MONTHS_DAYS + 31)
        babies = Baby.objects.filter(birth_date__gte=oldest)
    qs = babies
    totals = {"babies": 0, "created": 0, "updated": 0}
    for baby in qs.select_related("mother").iterator(chunk_size=500):
        created, updated = visits_schedule(baby=baby)
        totals["babies"] += 1
        totals["created"] += created
        totals["updated"] += updated
    return totals


def recall_number(visit: Visit) -> int:
    """The recall's follow-up number: the visit number, plus 100 for each older sibling
    followed before (twins or a later baby), so one mother's recalls never collide."""
    earlier = (
        Baby.objects.filter(mother_id=visit.baby.mother_id)
        .filter(
            Q(birth_date__lt=visit.baby.birth_date)
            | Q(birth_date=visit.baby.birth_date, pk__lt=visit.baby_id)
        )
        .count()
    )
    return earlier * 100 + visit.number


def _program_for(baby: Baby):
    enrollment = baby.mother.enrollments.select_related("program").order_by("enrolled_at").first()
    return enrollment.program if enrollment else None


@transaction.atomic
def visit_record(
    *,
    visit: Visit,
    recorded_by: User | None,
    done_on: date,
    mode: str,
    recall_answers: dict[str, Any] | None = None,
    problems: list[str] | None = None,
    massage_done: bool | None = None,
    massage_by: str = "",
    weight_g: int | None = None,
    wet_nappies: int | None = None,
    referral_made: bool = False,
    notes: str = "",
    source: str = Source.WEB,
    refresh_snapshot: bool = True,
    submission_uuid: str | None = None,
) -> Visit:
    """Record a visit (closing its task), with the 24-hour recall when answers are given.

    The visit row is locked first, so two recordings of the same visit cannot both win: the
    second one is refused. A recall the mother sent from her own link
    (:func:`visit_recall_attach`) is taken as the visit's recall when the answers agree or
    none are given; different answers replace hers, which stay in the response's history."""
    locked = (
        Visit.objects.select_for_update()
        .filter(pk=visit.pk)
        .values_list("done_on", "recall_id")
        .first()
    )
    if visit.done_on is not None or (locked is not None and locked[0] is not None):
        raise ValidationError(_("This visit has already been recorded."))
    # Her own recall may have arrived after this visit object was read: take the locked row's.
    visit.recall_id = locked[1] if locked is not None else visit.recall_id
    baby = visit.baby
    # With or without a recall: a visit is processing of her data.
    require_processing_allowed(mother=baby.mother)
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("The visit date cannot be in the future.")})
    if done_on < baby.birth_date:
        raise ValidationError({"done_on": _("The visit cannot be before the baby's birth.")})
    visit.done_on = done_on
    visit.mode = mode
    visit.age_days = (done_on - baby.birth_date).days
    visit.age_months = completed_months(baby.birth_date, done_on)
    visit.problems = sorted(set(problems or []))
    visit.massage_done = massage_done
    visit.massage_by = massage_by if massage_done else ""
    visit.weight_g = weight_g
    visit.wet_nappies = wet_nappies
    visit.referral_made = referral_made
    visit.notes = notes
    visit.recorded_by = recorded_by
    response = _visit_recall(
        visit,
        recall_answers,
        recorded_by=recorded_by,
        source=source,
        submission_uuid=submission_uuid,
    )
    if response is not None:
        visit.recall = response
        visit.feeding_status = response.category
    visit.full_clean()
    visit.save()
    if refresh_snapshot:
        snapshot_refresh(facility_ids=[baby.mother.facility_id])
    return visit


def _recall_collected_at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _visit_recall(
    visit: Visit,
    recall_answers: dict[str, Any] | None,
    *,
    recorded_by: User | None,
    source: str,
    submission_uuid: str | None,
) -> Response | None:
    """The recall of a visit being recorded: new, the mother's own one, or hers corrected."""
    attached = Response.objects.filter(pk=visit.recall_id).first() if visit.recall_id else None
    if not recall_answers:
        return attached
    answers = {**recall_answers, "child_age_months": min(visit.age_months, 23)}
    if attached is not None:
        return _recall_confirm_or_correct(attached, answers, by=recorded_by, source=source,
                                          day=visit.done_on)  # fmt: skip
    response, _created = response_record(
        mother=visit.baby.mother,
        instrument_id=RECALL_INSTRUMENT,
        timepoint=Timepoint.FOLLOWUP,
        followup_number=recall_number(visit),
        answers=answers,
        collected_by=recorded_by,
        source=source,
        program=_program_for(visit.baby),
        collected_at=_recall_collected_at(visit.done_on),
        submission_uuid=submission_uuid,
    )
    return response


def _recall_confirm_or_correct(
    attached: Response, answers: dict[str, Any], *, by: User | None, source: str, day: date
) -> Response:
    """The staff's recall answers against the mother's own: the same answers keep hers
    (source "self"); different ones win, and her version stays in the history."""
    definition = registry.get(attached.instrument_id, attached.instrument_version)
    age_item = definition.scoring["age_item"]
    theirs = scoring.normalise_answers(definition, answers)

    def without_age(values: dict) -> dict:
        return {k: v for k, v in values.items() if k != age_item}

    if without_age(theirs) == without_age(attached.answers):
        return attached
    return response_update(
        response=attached,
        answers=answers,
        changed_by=by,
        source=source,
        collected_at=_recall_collected_at(day),
    )


@transaction.atomic
def visit_recall_attach(
    *,
    visit: Visit,
    answers: dict[str, Any],
    source: str = Source.SELF,
    submission_uuid: str | None = None,
) -> Visit:
    """Attach the mother's own 24-hour recall (sent from her link) to an open visit.

    The visit stays open and on the cadre's task list: it is done only when a kader or bidan
    records it (:func:`visit_record`), with the danger-sign check and the other items of the
    contact. Until then it counts in no indicator (the indicators count done visits only).
    The baby's age in completed months is taken from the birth date, today."""
    locked = Visit.objects.select_for_update().select_related("baby__mother").get(pk=visit.pk)
    if locked.done_on is not None:
        raise ValidationError(_("This visit has already been recorded."), code="recorded")
    if locked.recall_id is not None:
        raise ValidationError(_("This visit already has a recall."), code="has_recall")
    baby = locked.baby
    require_processing_allowed(mother=baby.mother)
    today = timezone.localdate()
    age = completed_months(baby.birth_date, today)
    response, _created = response_record(
        mother=baby.mother,
        instrument_id=RECALL_INSTRUMENT,
        timepoint=Timepoint.FOLLOWUP,
        followup_number=recall_number(locked),
        answers={**answers, "child_age_months": min(age, 23)},
        collected_by=None,
        source=source,
        program=_program_for(baby),
        submission_uuid=submission_uuid,
    )
    locked.recall = response
    locked.save(update_fields=["recall", "updated_at"])
    return locked


# The idempotency kind of a recorded visit; the API's submission_uuid and the offline queue's
# key share it, so a visit sent both ways is still recorded once.
VISIT_KIND = "visit_record"


class VisitAlreadyRecorded(ValidationError):
    """The visit was recorded by another submission (another cadre, another device)."""


@transaction.atomic
def visit_record_once(*, visit: Visit, key: uuid.UUID, **kwargs: Any) -> tuple[Visit, bool]:
    """Record a visit at most once per idempotency ``key``; returns (visit, created).

    A key seen before returns its visit with ``created`` False (a replayed submission). The
    visit row is locked first, so two replays racing each other save once: the second finds
    the key taken. A visit already recorded under another key raises VisitAlreadyRecorded.
    Other refusals (future date, restricted mother) are ``visit_record``'s ValidationErrors.
    """
    known = idempotency_lookup(key=key, kind=VISIT_KIND)
    if known is not None:
        return Visit.objects.get(pk=known), False
    locked = Visit.objects.select_for_update().select_related("baby__mother").get(pk=visit.pk)
    if not idempotency_claim(key=key, kind=VISIT_KIND, object_pk=locked.pk):
        return locked, False
    if locked.done_on is not None:
        raise VisitAlreadyRecorded(_("This visit has already been recorded."))
    return visit_record(visit=locked, **kwargs), True


def snapshot_refresh(
    *, facility_ids: list[int] | None = None, today: date | None = None
) -> dict[str, int]:
    """Rebuild the indicator snapshot for some facilities (default: all). Returns row counts."""
    today = today or timezone.localdate()
    where, params = aggregates.mother_filter(facility_ids=facility_ids)
    rows = aggregates.all_rows(where=where, params=params, today=today)
    facility_ids_seen = {row["facility_id"] for metric_rows in rows.values() for row in metric_rows}
    area = dict(Facility.objects.filter(pk__in=facility_ids_seen).values_list("pk", "village_id"))
    with transaction.atomic():
        stale = IndicatorSnapshot.objects.all()
        if facility_ids is not None:
            stale = stale.filter(facility_id__in=facility_ids)
        stale.delete()
        objs = (
            IndicatorSnapshot(as_of=today, metric=metric, area=area[row["facility_id"]], **row)
            for metric, metric_rows in rows.items()
            for row in metric_rows
        )
        while batch := list(islice(objs, 5000)):
            IndicatorSnapshot.objects.bulk_create(batch)
        if facility_ids is None:
            rollups_refresh()
        else:
            villages = Facility.objects.filter(pk__in=facility_ids).values_list(
                "village_id", flat=True
            )
            rollups_refresh(village_codes=list(villages))
    return {metric: len(metric_rows) for metric, metric_rows in rows.items()}
