"""Programs, sessions with their agenda, and attendance."""

from datetime import date, datetime

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from laktasi.api.pagination import Page, PersonalPage
from laktasi.api.problems import Problem, ProblemError
from laktasi.api.types import Id
from laktasi.mothers.selectors import mother_get
from laktasi.programs.models import Program, Session
from laktasi.programs.selectors import (
    attendance_list,
    enrollment_list,
    program_get,
    program_list,
    session_get,
    session_list,
)
from laktasi.programs.services import attendance_record

router = Router(tags=["programs"])


class ProgramOut(Schema):
    id: int
    title: str
    organiser: str
    kind: str
    facility: Id
    villages: list[str]
    start_date: date
    end_date: date | None
    description: str

    @staticmethod
    def resolve_facility(obj: Program) -> int:
        return obj.facility_id

    @staticmethod
    def resolve_villages(obj: Program) -> list[str]:
        return sorted(v.code for v in obj.villages.all())


class AgendaItemOut(Schema):
    order: int
    kind: str
    duration_minutes: int
    notes: str


class SessionOut(Schema):
    id: int
    program: int
    title: str
    starts_at: datetime
    venue: str
    facilitator: str
    total_minutes: int
    agenda: list[AgendaItemOut]

    @staticmethod
    def resolve_program(obj: Session) -> int:
        return obj.program_id

    @staticmethod
    def resolve_agenda(obj: Session) -> list:
        return list(obj.agenda_items.all())


class AttendanceOut(Schema):
    id: int
    session: int
    mother: Id
    companion_present: bool
    companion: int | None
    pregnant: bool
    antenatal_expression_cleared: bool

    @staticmethod
    def resolve_session(obj) -> int:
        return obj.session_id

    @staticmethod
    def resolve_mother(obj) -> int:
        return obj.mother_id

    @staticmethod
    def resolve_companion(obj) -> int | None:
        return obj.companion_id


class AttendanceIn(Schema):
    mother: Id
    companion_present: bool = False
    companion: Id | None = Field(None, description="Defaults to her first companion.")
    pregnant: bool | None = Field(
        None,
        description="Pregnant at this session: she observes and practises on a model; no "
        "massage or hand-expression checklist is recorded for her. Omitted = unchanged.",
    )
    antenatal_expression_cleared: bool | None = Field(
        None,
        description="The bidan has screened her for hand expression before the birth "
        "(>= 37 weeks, low risk). Omitted = unchanged.",
    )


@router.get("/programs", response=list[ProgramOut], summary="Programs")
@paginate(Page)
def programs(request, kind: str = ""):
    qs = program_list(user=request.user, kind=kind).prefetch_related("villages")
    return qs.order_by("-start_date", "pk")


@router.get("/programs/{program_id}", response=ProgramOut, summary="One program")
def program_detail(request, program_id: Id):
    return program_get(user=request.user, pk=program_id)


@router.get("/sessions", response=list[SessionOut], summary="Sessions")
@paginate(Page)
def sessions(request, program: Id | None = None):
    qs = session_list(user=request.user, program=program).prefetch_related("agenda_items")
    return qs.order_by("starts_at", "pk")


@router.get("/sessions/{session_id}", response=SessionOut, summary="One session")
def session_detail(request, session_id: Id):
    return session_get(user=request.user, pk=session_id)


@router.get("/sessions/{session_id}/attendance", response=list[AttendanceOut],
            summary="Attendance of a session")  # fmt: skip
@paginate(PersonalPage)
def attendance(request, session_id: Id):
    session = session_get(user=request.user, pk=session_id)
    return attendance_list(user=request.user, session=session).order_by("pk")


@router.post(
    "/sessions/{session_id}/attendance",
    response={200: AttendanceOut, 403: Problem},
    summary="Mark a mother present (idempotent)",
)
def attendance_create(request, session_id: Id, payload: AttendanceIn):
    user = request.user
    session = session_get(user=user, pk=session_id)
    if not user.sees_personal_data:
        raise ProblemError(403, "Your role cannot record attendance.")
    mother = mother_get(user=user, pk=payload.mother)
    if not enrollment_list(user=user, program=session.program, mother=mother).exists():
        # As on the web: attendance is ticked on the program's list, never a way to enrol.
        raise ProblemError(422, "This mother is not enrolled in the session's program.",
                           kind="validation",
                           errors={"mother": ["Enrol her in the program first."]})  # fmt: skip
    companion = None
    if payload.companion is not None:
        companion = mother.companions.filter(pk=payload.companion).first()
        if companion is None:
            raise ProblemError(422, "This companion is not hers.", kind="validation",
                               errors={"companion": ["Unknown companion."]})  # fmt: skip
    elif payload.companion_present:
        companion = mother.companions.first()
    return attendance_record(
        session=session, mother=mother, companion_present=payload.companion_present,
        companion=companion, pregnant=payload.pregnant,
        antenatal_expression_cleared=payload.antenatal_expression_cleared,
    )  # fmt: skip
