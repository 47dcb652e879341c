"""Which rows a FHIR export holds: the user's scope, the chosen mothers or programs, and
everything they reference (facilities, sessions, consents, visits, responses)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet

from laktasi.accounts.models import User
from laktasi.api.fhir.resources import facility_key
from laktasi.followups.models import Visit
from laktasi.instruments.models import Response
from laktasi.mothers.models import Baby, Companion, Consent, Mother
from laktasi.mothers.selectors import mother_list
from laktasi.places.models import Facility
from laktasi.places.selectors import facility_list
from laktasi.programs.models import Attendance, Enrollment, Program, Session
from laktasi.programs.selectors import program_list

# ---------------------------------------------------------------------------- selection


@dataclass
class Selection:
    """The rows one export contains, already scoped and filtered."""

    facilities: list[Facility]
    mothers: list[Mother]
    programs: list[Program]
    sessions: list[Session]
    enrollments: list[Enrollment]
    attendance: list[Attendance]
    responses: list[Response]
    visits: list[Visit]
    babies: dict[int, list[Baby]] = field(default_factory=dict)
    companions: dict[int, list[Companion]] = field(default_factory=dict)
    consents: dict[int, list[Consent]] = field(default_factory=dict)


def _scoped(user: User | None) -> dict[str, QuerySet]:
    """Everything for the command line (no user); the user's scope for the API."""
    if user is None:
        return {
            "mothers": Mother.objects.all(),
            "programs": Program.objects.all(),
            "facilities": Facility.objects.all(),
        }
    return {
        "mothers": mother_list(user=user),
        "programs": program_list(user=user),
        "facilities": facility_list(user=user),
    }


def select(
    *, user: User | None = None, program: Program | None = None, since: date | None = None
) -> Selection:
    """Choose the rows: everything in scope, or one program's mothers, or what changed since."""
    scoped = _scoped(user)
    mothers = scoped["mothers"].filter(restricted=False, anonymised_at__isnull=True)
    programs = scoped["programs"]
    if program is not None:
        mothers = mothers.filter(enrollments__program=program)
        programs = programs.filter(pk=program.pk)
    if since is not None:
        changed = (
            Q(updated_at__date__gte=since)
            | Q(responses__updated_at__date__gte=since)
            | Q(babies__visits__updated_at__date__gte=since)
            | Q(consents__recorded_at__date__gte=since)
        )
        mothers = mothers.filter(pk__in=Mother.objects.filter(changed).values("pk"))
        programs = programs.filter(enrollments__mother__in=mothers.values("pk"))
    mothers_list = list(
        Mother.objects.filter(pk__in=mothers.values("pk"))
        .select_related("village__parent__parent__parent", "facility")
        .order_by("identifier")
    )
    ids = [m.pk for m in mothers_list]
    programs_list = list(
        Program.objects.filter(pk__in=programs.values("pk"))
        .prefetch_related("villages")
        .order_by("start_date", "title", "pk")
    )
    program_ids = [p.pk for p in programs_list]
    sessions = list(
        Session.objects.filter(program_id__in=program_ids)
        .prefetch_related("agenda_items")
        .order_by("starts_at", "pk")
    )
    responses = Response.objects.filter(mother_id__in=ids).filter(
        Q(program__isnull=True) | Q(program_id__in=program_ids)
    )
    sel = Selection(
        facilities=[],
        mothers=mothers_list,
        programs=programs_list,
        sessions=sessions,
        enrollments=list(
            Enrollment.objects.filter(program_id__in=program_ids, mother_id__in=ids).order_by(
                "program_id", "mother__identifier"
            )
        ),
        attendance=list(
            Attendance.objects.filter(session__in=sessions, mother_id__in=ids).order_by(
                "session__starts_at", "session_id", "mother__identifier"
            )
        ),
        responses=list(responses.select_related("visit").order_by("submission_uuid")),
        visits=list(
            Visit.objects.filter(baby__mother_id__in=ids)
            .select_related("baby")
            .order_by("baby_id", "due_date", "number", "pk")
        ),
    )
    for model, target in ((Baby, sel.babies), (Companion, sel.companions)):
        for row in model.objects.filter(mother_id__in=ids).order_by("mother_id", "pk"):
            target.setdefault(row.mother_id, []).append(row)
    for row in Consent.objects.filter(mother_id__in=ids).order_by("mother_id", "recorded_at", "pk"):
        sel.consents.setdefault(row.mother_id, []).append(row)
    sel.facilities = _facilities(sel, scoped["facilities"], whole=program is None and since is None)
    return sel


def _facilities(sel: Selection, scoped: QuerySet, *, whole: bool) -> list[Facility]:
    ids = {m.facility_id for m in sel.mothers} | {p.facility_id for p in sel.programs}
    if whole:
        ids |= set(scoped.values_list("pk", flat=True))
    found: dict[int, Facility] = {}
    while ids:
        batch = Facility.objects.filter(pk__in=ids).select_related(
            "village__parent__parent__parent"
        )
        ids = set()
        for f in batch:
            found[f.pk] = f
            if f.puskesmas_id and f.puskesmas_id not in found:
                ids.add(f.puskesmas_id)
    return sorted(found.values(), key=lambda f: (f.puskesmas_id is not None, facility_key(f)))
