"""Writes for answer links: make them, open them, take a mother's answers, reopen.

The answers go through ``instruments.services.response_record`` (the one scoring module),
with ``source="self"``; consent and restriction are checked there at the moment she sends.
A 24-hour recall link is bound to an open follow-up visit, and her answers are attached to
that visit (``followups.services.visit_recall_attach``, source "self"). The visit stays open
on the cadre's task list: she still makes the contact (danger signs, weight, problems), finds
the recall filled in from the mother's answers, and only her recording closes the visit and
counts it on the dashboard.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laktasi.accounts.models import User
from laktasi.followups.models import RECALL_INSTRUMENT, Visit
from laktasi.followups.services import visit_recall_attach
from laktasi.instruments import registry
from laktasi.instruments.models import Response, Source, Timepoint
from laktasi.instruments.services import response_record, response_update
from laktasi.links import tokens
from laktasi.links.models import AnswerLink, GroupLink, LinkEvent, LinkSettings
from laktasi.mothers.models import Mother
from laktasi.mothers.selectors import mother_has_consent
from laktasi.mothers.services import require_consent
from laktasi.programs.models import Program, Session

# Instruments a mother answers about herself. Observers' checklists, smoothness signs judged
# with staff and the interview are never self-filled.
SELF_INSTRUMENTS = ("knowledge_test", "breastfeeding_confidence", "family_support")
SELF_TIMEPOINTS = (Timepoint.PRE, Timepoint.POST)
# The 24-hour recall goes with a follow-up visit (timepoint "followup"), never pre/post.
RECALL_TIMEPOINT = Timepoint.FOLLOWUP


def is_self_form(instrument_id: str, timepoint: str) -> bool:
    """A form a mother may fill in herself: a test or scale before/after, or the recall."""
    if instrument_id == RECALL_INSTRUMENT:
        return timepoint == RECALL_TIMEPOINT
    return instrument_id in SELF_INSTRUMENTS and timepoint in SELF_TIMEPOINTS


class LinkClosed(Exception):
    """The link cannot take answers now; ``reason`` is "expired", "submitted" or, for a
    recall, "recorded" (the visit was recorded by staff meanwhile)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class IssueResult:
    links: list[AnswerLink]
    created: int
    skipped_no_consent: int
    skipped_answered: int
    skipped_no_visit: int = 0


def link_settings(program: Program) -> LinkSettings:
    """The program's choices, or the defaults (nothing shown but a thank-you)."""
    found = LinkSettings.objects.filter(program=program).first()
    return found or LinkSettings(program=program)


def link_settings_save(
    *, program: Program, greeting: str, show_score: bool, show_answers_after_post: bool
) -> LinkSettings:
    """Store the program's choices for what mothers see on their pages."""
    found = link_settings(program)
    found.greeting = greeting
    found.show_score = show_score
    found.show_answers_after_post = show_answers_after_post
    found.full_clean()
    found.save()
    return found


def may_change_link_settings(user: User) -> bool:
    """What mothers see is the program's decision: not a cadre's or a viewer's."""
    return user.is_superuser or user.role in ("admin", "coordinator", "bidan")


def default_expiry(session: Session) -> dt.datetime:
    """End of the session's day (local time) plus LAKTASI_LINK_DAYS days."""
    day = timezone.localtime(session.starts_at).date() + dt.timedelta(
        days=settings.LAKTASI_LINK_DAYS
    )
    end = dt.datetime.combine(day, dt.time(23, 59, 59))
    return timezone.make_aware(end)


def recall_expiry() -> dt.datetime:
    """A recall link is made for a contact happening now, long after the class: it lasts to
    the end of today plus LAKTASI_LINK_DAYS days."""
    end = timezone.localdate() + dt.timedelta(days=settings.LAKTASI_LINK_DAYS)
    return timezone.make_aware(dt.datetime.combine(end, dt.time(23, 59, 59)))


def check_instrument(instrument_id: str, timepoint: str) -> registry.InstrumentDefinition:
    if instrument_id == RECALL_INSTRUMENT:
        if timepoint != RECALL_TIMEPOINT:
            raise ValidationError(
                {"timepoint": _("The 24-hour recall goes with a follow-up contact.")}
            )
        return registry.get(instrument_id)
    if instrument_id not in SELF_INSTRUMENTS:
        raise ValidationError(
            {"instrument_id": _("This form is filled in by staff, not by the mother herself.")}
        )
    if timepoint not in SELF_TIMEPOINTS:
        raise ValidationError({"timepoint": _("Choose the pre-test or the post-test.")})
    return registry.get(instrument_id)


def _session_codes(session: Session) -> dict[int, str]:
    """A mother keeps one short code for the whole session (one card for pre and post)."""
    rows = AnswerLink.objects.filter(session=session).values_list("mother_id", "short_code")
    return dict(rows)


def _unique_code(taken: set[str]) -> str:
    while True:
        code = tokens.new_short_code()
        if code not in taken:
            return code


def _new_link(session, mother, definition, timepoint, code, by, expires, visit=None) -> AnswerLink:
    salt = tokens.new_salt()
    link = AnswerLink(
        session=session,
        mother=mother,
        visit=visit,
        instrument_id=definition.id,
        instrument_version=definition.version,
        timepoint=timepoint,
        salt=salt,
        token_hash=tokens.token_hash(tokens.token_for(salt)),
        short_code=code,
        expires_at=expires,
        created_by=by,
    )
    link.full_clean()
    link.save()
    return link


def answer_links_issue(
    *, session: Session, mothers: list[Mother], instrument_id: str, timepoint: str, by: User
) -> IssueResult:
    """Make (or keep) one link per mother for this session's form. Idempotent.

    ``mothers`` are the enrolled mothers the user may see (from the scoped selectors).
    Mothers without consent in force, or under restriction, get no link; nor do mothers who
    already have this form at this timepoint in the program.
    """
    definition = check_instrument(instrument_id, timepoint)
    if instrument_id == RECALL_INSTRUMENT:
        return _recall_links_issue(session=session, mothers=mothers, definition=definition, by=by)
    answered = set(
        Response.objects.filter(
            program=session.program, instrument_id=instrument_id, timepoint=timepoint
        ).values_list("mother_id", flat=True)
    )
    codes = _session_codes(session)
    expires = default_expiry(session)
    existing = {
        link.mother_id: link
        for link in AnswerLink.objects.filter(
            session=session, instrument_id=instrument_id, timepoint=timepoint
        )
    }
    links, created, no_consent, done = [], 0, 0, 0
    with transaction.atomic():
        for mother in mothers:
            if mother.pk in existing:
                links.append(existing[mother.pk])
                continue
            if mother.restricted or not mother_has_consent(mother=mother):
                no_consent += 1
                continue
            if mother.pk in answered:
                done += 1
                continue
            code = codes.get(mother.pk) or _unique_code(set(codes.values()))
            codes[mother.pk] = code
            links.append(_new_link(session, mother, definition, timepoint, code, by, expires))
            created += 1
        if created:
            LinkEvent.objects.create(
                session=session,
                action=LinkEvent.Action.ISSUED,
                by=by,
                detail=f"{instrument_id} {timepoint}: {created}",
            )
    return IssueResult(links, created, no_consent, done)


def open_visits(*, mothers: list[Mother], today: dt.date | None = None) -> list[Visit]:
    """Visits of these mothers' babies that are due or overdue today and not yet done."""
    today = today or timezone.localdate()
    return list(
        Visit.objects.select_related("baby__mother")
        .filter(
            baby__mother__in=[m.pk for m in mothers],
            done_on__isnull=True,
            window_start__lte=today,
            window_end__gte=today,
        )
        .order_by("baby__mother_id", "due_date", "pk")
    )


def _recall_links_issue(*, session, mothers, definition, by) -> IssueResult:
    """One recall link per open visit of each mother's baby (twins: one per baby)."""
    visits = open_visits(mothers=mothers)
    with_visit = {v.baby.mother_id for v in visits}
    existing = {
        link.visit_id: link for link in AnswerLink.objects.filter(visit__in=visits, session=session)
    }
    taken = set(AnswerLink.objects.filter(visit__in=visits).values_list("visit_id", flat=True))
    codes = _session_codes(session)
    expires = recall_expiry()
    links, created, no_consent = [], 0, set()
    with transaction.atomic():
        for visit in visits:
            mother = visit.baby.mother
            if visit.pk in existing:
                links.append(existing[visit.pk])
                continue
            if mother.restricted or not mother_has_consent(mother=mother):
                no_consent.add(mother.pk)
                continue
            if visit.pk in taken:  # linked from another session: one link per visit
                continue
            code = codes.get(mother.pk) or _unique_code(set(codes.values()))
            codes[mother.pk] = code
            links.append(
                _new_link(session, mother, definition, RECALL_TIMEPOINT, code, by, expires, visit)
            )
            created += 1
        if created:
            LinkEvent.objects.create(
                session=session,
                action=LinkEvent.Action.ISSUED,
                by=by,
                detail=f"{RECALL_INSTRUMENT} {RECALL_TIMEPOINT}: {created}",
            )
    no_visit = sum(1 for m in mothers if m.pk not in with_visit)
    return IssueResult(links, created, len(no_consent), 0, no_visit)


def group_link_get_or_create(*, session: Session, instrument_id: str, timepoint: str) -> GroupLink:
    """The room's one QR for this form (made once, reused)."""
    check_instrument(instrument_id, timepoint)
    if instrument_id == RECALL_INSTRUMENT:
        # A recall is answered at home about her own baby, never from the room's QR.
        raise ValidationError(_("The 24-hour recall has no group mode."))
    found = GroupLink.objects.filter(
        session=session, instrument_id=instrument_id, timepoint=timepoint
    ).first()
    if found is not None:
        return found
    salt = tokens.new_salt()
    group = GroupLink(
        session=session,
        instrument_id=instrument_id,
        timepoint=timepoint,
        salt=salt,
        token_hash=tokens.token_hash(tokens.token_for(salt)),
        expires_at=default_expiry(session),
    )
    try:
        with transaction.atomic():
            group.save()
    except IntegrityError:
        return GroupLink.objects.get(
            session=session, instrument_id=instrument_id, timepoint=timepoint
        )
    return group


def answer_link_mark_opened(*, link: AnswerLink) -> None:
    if link.opened_at is None:
        AnswerLink.objects.filter(pk=link.pk, opened_at__isnull=True).update(
            opened_at=timezone.now()
        )
        link.opened_at = timezone.now()


def answer_link_submit(*, link: AnswerLink, answers: dict, submission_uuid: str) -> Response:
    """Store her answers once. A replay of the same submission returns the stored response;
    another submission after sending, or after expiry, raises :class:`LinkClosed`."""
    with transaction.atomic():
        locked = AnswerLink.objects.select_for_update().get(pk=link.pk)
        if locked.submitted_at is not None:
            response = locked.response
            if response is not None and str(response.submission_uuid) == str(submission_uuid):
                return response
            raise LinkClosed("submitted")
        if locked.expired():
            raise LinkClosed("expired")
        require_consent(mother=locked.mother)
        if locked.visit_id is not None:
            response = _record_recall(locked, answers, submission_uuid)
        elif locked.response is not None:
            # Reopened by staff: the correction keeps the first answers in the history.
            response = response_update(response=locked.response, answers=answers, changed_by=None)
        else:
            response, _created = response_record(
                mother=locked.mother,
                instrument_id=locked.instrument_id,
                version=locked.instrument_version,
                timepoint=locked.timepoint,
                answers=answers,
                collected_by=None,
                source=Source.SELF,
                program=locked.session.program,
                session=locked.session,
                submission_uuid=submission_uuid,
            )
        locked.response = response
        locked.submitted_at = timezone.now()
        locked.opened_at = locked.opened_at or locked.submitted_at
        locked.save(update_fields=["response", "submitted_at", "opened_at", "updated_at"])
    link.refresh_from_db()
    return response


def _record_recall(link: AnswerLink, answers: dict, submission_uuid: str) -> Response:
    """Her recall attached to the visit, filled in by herself; the visit stays open.

    The visit row is locked; a visit recorded by staff meanwhile is never overwritten."""
    visit = Visit.objects.select_for_update().select_related("baby__mother").get(pk=link.visit_id)
    if visit.done_on is not None or visit.recall_id is not None:
        raise LinkClosed("recorded")
    visit = visit_recall_attach(
        visit=visit, answers=answers, source=Source.SELF, submission_uuid=submission_uuid
    )
    return visit.recall


def answer_link_reopen(*, link: AnswerLink, by: User) -> AnswerLink:
    """Let her send again (a mistake, a lost phone); the expiry restarts from today.

    A sent recall is not reopened: it is attached to the visit, and the cadre corrects it
    with the mother when she records the visit (her first answers stay in the history)."""
    if link.visit_id is not None and link.submitted_at is not None:
        raise ValidationError(
            _(
                "This recall is attached to the follow-up visit; the cadre checks it with the "
                "mother when recording the visit."
            )
        )
    if link.submitted_at is None and not link.expired():
        return link
    link.submitted_at = None
    if link.expired():
        end = timezone.localdate() + dt.timedelta(days=settings.LAKTASI_LINK_DAYS)
        link.expires_at = timezone.make_aware(dt.datetime.combine(end, dt.time(23, 59, 59)))
    link.save(update_fields=["submitted_at", "expires_at", "updated_at"])
    LinkEvent.objects.create(
        session=link.session, link=link, action=LinkEvent.Action.REOPENED, by=by
    )
    return link
