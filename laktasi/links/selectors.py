"""Reads for answer links: by token (public pages) and per session (staff, scoped)."""

from __future__ import annotations

from dataclasses import dataclass

from laktasi.accounts.models import User
from laktasi.links import tokens
from laktasi.links.models import AnswerLink, GroupLink
from laktasi.mothers.models import Mother
from laktasi.programs.models import Session
from laktasi.programs.selectors import enrollment_list


def answer_link_for_token(token: str) -> AnswerLink | None:
    """The link this token opens, or None (forged, mistyped or revoked)."""
    if not tokens.looks_like_token(token):
        return None
    return (
        AnswerLink.objects.select_related("session__program", "mother", "visit__baby")
        .filter(token_hash=tokens.token_hash(token))
        .first()
    )


def group_link_for_token(token: str) -> GroupLink | None:
    if not tokens.looks_like_token(token):
        return None
    return (
        GroupLink.objects.select_related("session__program")
        .filter(token_hash=tokens.token_hash(token))
        .first()
    )


def answer_link_for_code(group: GroupLink, code: str) -> AnswerLink | None:
    """The mother's link in this group's form, found by the short code on her card."""
    return (
        AnswerLink.objects.select_related("session__program", "mother")
        .filter(
            session=group.session,
            instrument_id=group.instrument_id,
            timepoint=group.timepoint,
            short_code=tokens.normalise_code(code),
        )
        .first()
    )


def session_mothers(*, user: User, session: Session) -> list[Mother]:
    """Enrolled mothers of the session's program that this user may see, by name."""
    rows = enrollment_list(user=user, program=session.program).order_by(
        "mother__full_name", "mother__pk"
    )
    return [e.mother for e in rows]


@dataclass(frozen=True)
class LinkRow:
    mother: Mother
    link: AnswerLink | None


def session_link_rows(
    *, user: User, session: Session, instrument_id: str, timepoint: str
) -> list[LinkRow]:
    """Every mother the user may see, with her link for this form (None: no link).

    A recall link belongs to one visit, so a mother of twins has a row per visit."""
    mothers = session_mothers(user=user, session=session)
    links: dict[int, list[AnswerLink]] = {}
    for link in (
        AnswerLink.objects.select_related("visit")
        .filter(
            session=session,
            instrument_id=instrument_id,
            timepoint=timepoint,
            mother__in=[m.pk for m in mothers],
        )
        .order_by("visit__due_date", "pk")
    ):
        links.setdefault(link.mother_id, []).append(link)
    return [LinkRow(m, link) for m in mothers for link in links.get(m.pk) or [None]]


def session_link_forms(*, session: Session) -> list[tuple[str, str]]:
    """(instrument, timepoint) pairs that already have links in this session."""
    pairs = AnswerLink.objects.filter(session=session).values_list("instrument_id", "timepoint")
    return sorted(set(pairs))
