"""What a field worker's phone caches: the URLs of the pages of her own scope.

Every list comes from the selectors the pages themselves use, so the phone receives exactly
what she could open online, nothing more. A bidan with many posyandu may narrow the list to
the facilities she goes to (``OfflineFacility``); a choice never widens her scope.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation

from laktasi.accounts import policy
from laktasi.accounts.models import User
from laktasi.followups.selectors import task_list, visit_list
from laktasi.instruments import registry
from laktasi.instruments.models import Response
from laktasi.materials.models import QAEntry
from laktasi.mothers.selectors import mother_list, scope
from laktasi.offline.identity import offline_enabled
from laktasi.offline.models import OfflineFacility
from laktasi.places.models import Facility
from laktasi.places.selectors import facility_list
from laktasi.programs.models import Program
from laktasi.programs.selectors import (
    attendance_list,
    enrollment_list,
    program_list,
    session_list,
)

SESSION_DAYS = 14  # session pages of today and the next two weeks
# The forms of a session day, when the program names none of its own: the pre-test and the
# post-test, and the two practice checklists after the class (instrument id, timepoint).
SESSION_FORMS = (
    ("knowledge_test", "pre"),
    ("knowledge_test", "post"),
    ("oxytocin_massage_checklist", "post"),
    ("marmet_checklist", "post"),
)
# Instrument kinds of a session day that go on the phone (other questionnaires stay online).
SESSION_FORM_KINDS = ("knowledge", "checklist")

# Pages every field worker needs, whoever her mothers are (no personal data in them).
COMMON_PAGES = ("followups:tasks", "materials:qa", "materials:guide_page")


@dataclass(frozen=True)
class SyncManifest:
    urls: list[str]
    etag: str
    facilities: list[int] | None = None  # her choice in effect; None: all of her scope


def offline_facility_choices(*, user: User) -> QuerySet[Facility]:
    """Facilities a field worker may take offline: those of her own scope, none otherwise."""
    if not offline_enabled(user):
        return Facility.objects.none()
    return facility_list(user=user).order_by("kind", "name", "pk")


def offline_facility_ids(*, user: User) -> set[int] | None:
    """The facilities whose pages go on her phone; None means all of her scope (no choice,
    or none of the chosen ones is still hers, e.g. after she moved)."""
    chosen = set(
        OfflineFacility.objects.filter(
            user=user, facility__in=offline_facility_choices(user=user)
        ).values_list("facility_id", flat=True)
    )
    return chosen or None


def _task_urls(user: User, chosen: set[int] | None) -> list[str]:
    tasks = task_list(user=user)
    visits = [t.visit for group in (tasks.overdue, tasks.due_today, tasks.upcoming,
                                    tasks.missed) for t in group]  # fmt: skip
    if chosen is not None:
        visits = [v for v in visits if v.baby.mother.facility_id in chosen]
    urls = [reverse("followups:record", args=[v.pk]) for v in visits]
    babies = sorted({v.baby_id for v in visits})
    mothers = sorted({v.baby.mother_id for v in visits})
    urls += [reverse("followups:baby", args=[pk]) for pk in babies]
    urls += [reverse("mothers:detail", args=[pk]) for pk in mothers]
    # A home visit may end in a consultation: its form, queued offline like the visit.
    urls += [reverse("programs:consultation_add", args=[pk]) for pk in mothers]
    return urls


def session_forms(program: Program) -> list[tuple[str, str]]:
    """The test and checklist forms of a session day of ``program``: those its instrument
    plan names for the pre and post timepoints, else :data:`SESSION_FORMS`."""
    plan = program.instrument_plan or {}
    planned = [(iid, tp) for tp in ("pre", "post") for iid in plan.get(tp, ())]
    forms = []
    for iid, tp in planned or SESSION_FORMS:
        try:
            kind = registry.get(iid).kind
        except registry.UnknownInstrumentError:
            continue
        if kind in SESSION_FORM_KINDS:
            forms.append((iid, tp))
    return forms


def _upcoming_sessions(user: User):
    today = timezone.localdate()
    start = timezone.make_aware(datetime.combine(today, time.min))
    return session_list(user=user).filter(
        starts_at__gte=start, starts_at__lt=start + timedelta(days=SESSION_DAYS + 1)
    )


def _session_urls(user: User, chosen: set[int] | None) -> list[str]:
    """Session pages of today and the next two weeks, and for each mother enrolled in those
    sessions' programs: her page, the session day's test and checklist forms, and the
    consultation form. With a choice of facilities: only her mothers there, and the sessions
    of programs held there or with mothers there."""
    sessions = _upcoming_sessions(user)
    programs = {s.program_id for s in sessions}
    enrolled = enrollment_list(user=user).filter(program_id__in=programs)
    if chosen is not None:
        enrolled = enrolled.filter(mother__facility_id__in=chosen)
        with_mothers = set(enrolled.values_list("program_id", flat=True))
        sessions = sessions.filter(Q(program__facility_id__in=chosen) | Q(program__in=with_mothers))
    urls = [reverse("programs:session", args=[s.pk]) for s in sessions]
    forms = {p.pk: session_forms(p) for p in Program.objects.filter(pk__in=programs)}
    for mother_pk, program_pk in enrolled.values_list("mother_id", "program_id"):
        for iid, tp in forms[program_pk]:
            form = reverse("instruments:fill", args=[mother_pk, iid, tp])
            urls.append(f"{form}?program={program_pk}")
        urls.append(reverse("mothers:detail", args=[mother_pk]))
        urls.append(reverse("programs:consultation_add", args=[mother_pk]))
    return urls


def _stamp(qs: QuerySet, field: str = "updated_at") -> dict:
    return qs.aggregate(n=Count("pk"), last=Max(field), top=Max("pk"))


def _fingerprint(user: User, urls: list[str]) -> str:
    """Changes when a cached page is likely to change: the URL list, any visit, mother,
    response, enrolment, session, program or Q&A entry of her scope edited (updated_at),
    added or removed, an attendance tick of her upcoming sessions, the day and the language.
    A coarse gate for the automatic syncs (a sync she asks for skips it); each page then
    answers 304 itself when its own content did not change (middleware.page_etag)."""
    ticks = attendance_list(user=user).filter(session__in=_upcoming_sessions(user))
    basis = [
        urls,
        _stamp(visit_list(user=user)),
        _stamp(mother_list(user=user)),
        _stamp(scope(Response.objects.all(), user=user, prefix="mother__")),
        sorted(
            ticks.values_list(
                "pk",
                "companion_present",
                "companion_id",
                "pregnant",
                "antenatal_expression_cleared",
            )
        ),  # fmt: skip
        _stamp(enrollment_list(user=user), "enrolled_at"),
        _stamp(session_list(user=user)),
        _stamp(program_list(user=user)),
        _stamp(QAEntry.objects.all()),
        str(timezone.localdate()),
        translation.get_language(),
    ]
    text = json.dumps(basis, default=str, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def sync_manifest(*, user: User) -> SyncManifest:
    """The pages to cache for ``user`` (relative URLs, sorted) and their ETag."""
    chosen = offline_facility_ids(user=user)
    urls = [reverse(name) for name in COMMON_PAGES]
    if policy.may_register(user):
        urls.append(reverse("mothers:register"))
    urls += _task_urls(user, chosen) + _session_urls(user, chosen)
    urls = sorted(set(urls))
    facilities = sorted(chosen) if chosen is not None else None
    return SyncManifest(urls=urls, etag=_fingerprint(user, urls), facilities=facilities)
