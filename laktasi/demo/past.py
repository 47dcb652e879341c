"""Demo: past programs in other villages of Kecamatan Jenu, for the evaluation across programs.

Entirely synthetic (villages are real Kemendagri names; programs, mothers and results are
invented) and marked ``is_demo``. Several years, different sizes and kinds, one program with
fewer than 5 pairs. Loaded by ``laktasi demo`` after the article's program, which it leaves
untouched. Idempotent: a program is found by its title, its records by stable keys.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction

from laktasi.accounts.models import User
from laktasi.demo.loader import WIB, DemoResult, demo_identifier
from laktasi.instruments import registry
from laktasi.instruments.models import Timepoint
from laktasi.instruments.services import response_record
from laktasi.instruments.synthesis import answers_for
from laktasi.mothers.models import Mother, Relationship
from laktasi.mothers.services import mother_register
from laktasi.places.models import Facility, FacilityKind, Region
from laktasi.places.services import regions_load
from laktasi.programs.models import AgendaKind, Program, ProgramKind
from laktasi.programs.services import attendance_record, program_create, session_create

PAST_NAMESPACE = uuid.UUID("6f1c0d0e-8a57-4c37-9a53-0c9b5bb0a026")
FIRST = ["Ani", "Binti", "Cici", "Dwi", "Eka", "Fatma", "Ika", "Lina", "Mila", "Nurul", "Puji",
         "Rini", "Santi", "Tri", "Umi", "Wulan", "Yanti", "Zahro"]  # fmt: skip
LAST = ["Rahmawati", "Susanti", "Maghfiroh", "Ningsih", "Lestari", "Wahyuni", "Kholifah",
        "Safitri", "Utami", "Anggraini"]  # fmt: skip


@dataclass(frozen=True)
class PastProgram:
    village: str  #: Kemendagri code in Kec. Jenu
    year: int
    mothers: int
    kind: str
    minutes: int  #: agenda minutes of the one session
    gain: float  #: chance that a mother's knowledge band rises (synthetic)
    lancar_after: float  #: chance of "ASI lancar" after (synthetic)
    companions: float  #: share who came with a companion


PAST = (
    PastProgram("35.23.12.2001", 2021, 24, ProgramKind.COMMUNITY_SERVICE, 150, 0.70, 0.80, 0.6),
    PastProgram("35.23.12.2003", 2022, 16, ProgramKind.PUSKESMAS_ROUTINE, 90, 0.35, 0.60, 0.3),
    PastProgram("35.23.12.2008", 2022, 30, ProgramKind.COMMUNITY_SERVICE, 180, 0.80, 0.85, 0.8),
    PastProgram("35.23.12.2010", 2023, 12, ProgramKind.RESEARCH, 120, 0.55, 0.70, 0.5),
    PastProgram("35.23.12.2013", 2023, 4, ProgramKind.PUSKESMAS_ROUTINE, 60, 0.40, 0.50, 0.25),
    PastProgram("35.23.12.2017", 2024, 20, ProgramKind.PUSKESMAS_ROUTINE, 100, 0.30, 0.55, 0.2),
)
BANDS = ("kurang", "cukup", "baik")


def _title(village: Region, year: int) -> str:
    return f"[Demo] Kelas pijat oksitosin dan teknik Marmet, Desa {village.name} {year}"


def _agenda(minutes: int) -> list[tuple[str, int]]:
    """One session of ``minutes`` in all: tests, a talk and hands-on practice."""
    return [(AgendaKind.PRETEST, 10), (AgendaKind.PRESENTATION, 30),
            (AgendaKind.PRACTICE, minutes - 50), (AgendaKind.POSTTEST, 10)]  # fmt: skip


def _mother(spec: PastProgram, index: int, village: Region, facility: Facility, start: date,
            by: User, rng: random.Random) -> Mother:  # fmt: skip
    identifier = demo_identifier(f"past-{spec.village}-{spec.year}-{index}")
    existing = Mother.objects.filter(identifier=identifier).first()
    if existing:
        return existing
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    baby_day = start - timedelta(days=rng.randint(3, 50))
    return mother_register(
        registered_by=by,
        identifier=identifier,
        full_name=name,
        birth_date=date(start.year - rng.randint(19, 38), rng.randint(1, 12), rng.randint(1, 28)),
        village=village,
        facility=facility,
        parity=rng.choice([1, 1, 2, 2, 3]),
        delivery_date=baby_day,
        baby={"name": f"Bayi {name.split()[0]}", "birth_date": baby_day,
              "sex": rng.choice(["F", "M"]), "birth_weight_g": rng.randint(2600, 3900)},
        companion={"relationship": Relationship.HUSBAND, "name": f"Suami {name.split()[0]}"},
        consent={"text_version": "2025.1", "channel": "paper"},
    )  # fmt: skip


def _responses(mother: Mother, spec: PastProgram, session, start: datetime, by: User,
               rng: random.Random) -> None:  # fmt: skip
    knowledge, smoothness = registry.get("knowledge_test"), registry.get("milk_smoothness")
    pre_band = rng.choices(range(3), weights=(5, 3, 2))[0]
    steps = sum(rng.random() < spec.gain for _ in range(2))
    post_band = min(2, pre_band + steps) if rng.random() > 0.08 else max(0, pre_band - 1)
    pre_lancar = rng.random() < 0.4
    post_lancar = pre_lancar or rng.random() < spec.lancar_after
    age = (start.date() - mother.babies.first().birth_date).days
    age_item = smoothness.scoring["age_item"]
    plan = (
        (knowledge, Timepoint.PRE, BANDS[pre_band], {}, start),
        (knowledge, Timepoint.POST, BANDS[post_band], {}, start + timedelta(hours=3)),
        (smoothness, Timepoint.PRE, "lancar" if pre_lancar else "belum_lancar",
         {age_item: age}, start),
        (smoothness, Timepoint.POST, "lancar" if post_lancar else "belum_lancar",
         {age_item: age + 7}, start + timedelta(days=7)),
    )  # fmt: skip
    for instrument, timepoint, target, fixed, when in plan:
        response_record(
            mother=mother,
            instrument_id=instrument.id,
            version=instrument.version,
            timepoint=timepoint,
            answers=answers_for(instrument, target, rng=rng, fixed=fixed),
            collected_by=by,
            source="paper",
            session=session,
            submission_uuid=uuid.uuid5(
                PAST_NAMESPACE, f"{mother.identifier}/{instrument.id}/{timepoint}"
            ),
            collected_at=when,
        )


def _program(spec: PastProgram, puskesmas: Facility, coordinator: User, bidan: User,
             result: DemoResult) -> None:  # fmt: skip
    village = Region.objects.get(code=spec.village)
    title = _title(village, spec.year)
    if Program.objects.filter(title=title).exists():
        return
    rng = random.Random(f"laktasi-demo-past-{spec.village}-{spec.year}")
    facility, _created = Facility.objects.get_or_create(
        kind=FacilityKind.POSYANDU, name=f"Posyandu {village.name}", village=village,
        defaults={"puskesmas": puskesmas},
    )  # fmt: skip
    start = date(spec.year, 3 + rng.randint(0, 6), rng.randint(1, 25))
    program = program_create(
        title=title,
        organiser="Puskesmas Jenu" if spec.kind == ProgramKind.PUSKESMAS_ROUTINE
        else "Tim pengabdian masyarakat (demo)",
        kind=spec.kind,
        facility=facility,
        start_date=start,
        end_date=start,
        description="Data demo: program lampau sintetis untuk evaluasi lintas program.",
        description_en="Demo data: a synthetic past program for the evaluation across programs.",
        villages=[village],
        team=[coordinator],
        is_demo=True,
    )  # fmt: skip
    result.bump("programs", True)
    starts = datetime.combine(start, time(9, 0), tzinfo=WIB)
    session = session_create(program=program, title="Kelas pijat oksitosin", starts_at=starts,
                             venue=f"Balai Desa {village.name}", facilitator="Bidan desa",
                             agenda=_agenda(spec.minutes))  # fmt: skip
    for index in range(spec.mothers):
        mother = _mother(spec, index, village, facility, start, bidan, rng)
        result.bump("mothers", True)
        with_companion = rng.random() < spec.companions
        attendance_record(session=session, mother=mother, companion_present=with_companion,
                          companion=mother.companions.first() if with_companion else None)  # fmt: skip
        _responses(mother, spec, session, starts, bidan, rng)


@transaction.atomic
def demo_past_programs_load(result: DemoResult | None = None) -> DemoResult:
    """Add the past demo programs (after ``demo_load``); running it again adds nothing."""
    result = result or DemoResult()
    codes = [spec.village for spec in PAST]
    if Region.objects.filter(code__in=codes).count() < len(set(codes)):
        regions_load()  # the Kemendagri villages of Jenu (idempotent, a few seconds)
    coordinator = User.objects.get(username="demo-koordinator")
    bidan = User.objects.get(username="demo-bidan")
    puskesmas = Facility.objects.get(kind=FacilityKind.PUSKESMAS, name="Puskesmas Jenu")
    for spec in PAST:
        _program(spec, puskesmas, coordinator, bidan, result)
    return result
