"""Feeds the mother's timeline (``laktasi.mothers.timeline``) with sessions and consultations."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from laktasi.accounts.models import User
from laktasi.mothers.models import Mother
from laktasi.mothers.timeline import Event
from laktasi.programs.selectors import attendance_list, consultation_list


def attendance_events(*, mother: Mother, user: User) -> list[Event]:
    rows = attendance_list(user=user).filter(mother=mother).select_related("session__program")
    events = []
    for row in rows:
        session = row.session
        detail = session.program.title
        if row.companion_present:
            detail += " · " + _("companion present")
        events.append(
            Event(
                kind="attendance",
                when=session.starts_at,
                title=_("Attended: %(session)s") % {"session": session.title or session.venue},
                detail=detail,
                url=reverse("programs:session", args=[session.pk]),
            )
        )
    return events


def consultation_events(*, mother: Mother, user: User) -> list[Event]:
    events = []
    for c in consultation_list(user=user, mother=mother):
        title = _("Consultation")
        badge = _("referral") if c.referral_needed else ""
        events.append(
            Event(
                kind="consultation",
                when=c.recorded_at,
                title=title,
                detail=c.question[:140],
                url=reverse("programs:consultation", args=[c.pk]),
                badge=badge,
                badge_level="poor" if badge else "",
            )
        )
    return events
