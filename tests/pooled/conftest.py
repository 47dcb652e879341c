"""Fixtures for the evaluation across programs: small synthetic programs with pre/post data."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from laktasi.accounts.models import User
from laktasi.instruments import registry
from laktasi.instruments.services import response_record
from laktasi.instruments.synthesis import answers_for
from laktasi.programs.models import AgendaKind, Program, ProgramKind
from laktasi.programs.services import attendance_record, program_create, session_create
from tests.conftest import World, register

WIB = ZoneInfo("Asia/Jakarta")


@dataclass(frozen=True)
class Plan:
    """One synthetic program: per mother (pre band, post band, pre lancar, post lancar)."""

    year: int
    kind: str
    mothers: tuple[tuple[str, str, bool, bool], ...]
    team: bool = True  #: the coordinator is on the team


PLANS = (
    Plan(2022, ProgramKind.COMMUNITY_SERVICE, (
        ("kurang", "baik", False, True), ("kurang", "cukup", False, True),
        ("cukup", "baik", True, True), ("kurang", "baik", False, False),
        ("cukup", "baik", False, True), ("kurang", "kurang", True, True),
    )),
    Plan(2023, ProgramKind.PUSKESMAS_ROUTINE, (
        ("kurang", "cukup", False, False), ("cukup", "cukup", False, True),
        ("kurang", "cukup", True, True), ("cukup", "baik", False, True),
        ("baik", "baik", False, False), ("kurang", "kurang", False, True),
        ("cukup", "kurang", True, False),
    )),
    Plan(2024, ProgramKind.RESEARCH, (
        ("kurang", "baik", False, True), ("cukup", "baik", False, True),
        ("kurang", "cukup", True, True),
    )),
    Plan(2024, ProgramKind.COMMUNITY_SERVICE, (
        ("kurang", "baik", False, True), ("kurang", "cukup", False, True),
        ("cukup", "baik", False, False), ("kurang", "cukup", True, True),
        ("kurang", "baik", False, True),
    ), team=False),
)  # fmt: skip


def make_program(world: World, plan: Plan, index: int, by: User) -> Program:
    rng = random.Random(f"pooled-test-{index}")
    village = world.regions["35.23.12.2005"] if index % 2 else world.regions["35.23.12.2016"]
    facility = world.melati if index % 2 else world.mawar
    start = date(plan.year, 4, 10 + index)
    program = program_create(
        title=f"Program {index} {plan.year}",
        organiser="Tim uji",
        kind=plan.kind,
        facility=facility,
        start_date=start,
        villages=[village],
        team=[world.users["coordinator"]] if plan.team else [],
    )
    session = session_create(
        program=program,
        title="Sesi",
        starts_at=datetime.combine(start, time(9), tzinfo=WIB),
        venue="Balai",
        facilitator="Bidan",
        agenda=[(AgendaKind.PRESENTATION, 30 + 10 * index), (AgendaKind.PRACTICE, 40)],
    )
    knowledge, smoothness = registry.get("knowledge_test"), registry.get("milk_smoothness")
    age_item = smoothness.scoring["age_item"]
    for m, (k_pre, k_post, s_pre, s_post) in enumerate(plan.mothers):
        mother = register(f"Ibu Uji {index}-{m}", facility, village)
        attendance_record(session=session, mother=mother, companion_present=m % 2 == 0,
                          companion=mother.companions.first() if m % 2 == 0 else None)  # fmt: skip
        plan_rows = (
            (knowledge, "pre", k_pre, {}), (knowledge, "post", k_post, {}),
            (smoothness, "pre", "lancar" if s_pre else "belum_lancar", {age_item: 20}),
            (smoothness, "post", "lancar" if s_post else "belum_lancar", {age_item: 27}),
        )  # fmt: skip
        for inst, timepoint, target, fixed in plan_rows:
            response_record(mother=mother, instrument_id=inst.id, timepoint=timepoint,
                            answers=answers_for(inst, target, rng=rng, fixed=fixed),
                            collected_by=by, session=session)  # fmt: skip
    return program


@pytest.fixture
def programs(world: World) -> list[Program]:
    return [make_program(world, plan, i, world.users["bidan"]) for i, plan in enumerate(PLANS)]
