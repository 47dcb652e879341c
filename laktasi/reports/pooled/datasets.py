"""Read many programs' pre/post pairs for one outcome at once: the pooled evaluation's ORM code.

The pairs are formed exactly as each program's own report forms them
(:func:`laktasi.reports.analyses.common.timepoint_rows` and ``pair_values``): responses of
mothers enrolled in the program, by the primary observer, at the pre and post timepoints,
paired by the mother's identifier. A handful of queries serve any number of programs.
Nothing personal leaves this module: identifiers are used for pairing only, then dropped.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.utils import timezone

from laktasi.followups import aggregates
from laktasi.instruments.models import Response
from laktasi.programs.models import AgendaItem, Attendance, Enrollment, Program
from laktasi.reports.analyses.common import POST, PRE, pair_values, timepoint_rows
from laktasi.reports.pooled.outcomes import PROPORTION, Outcome


class PairRow(NamedTuple):
    """The fields of ``laktasi.reports.datasets.ResponseRow`` that pairing and the outcome
    values read (a tuple: tens of thousands are made per evaluation)."""

    identifier: str
    version: str
    timepoint: str
    observer: str
    score_pct: float | None
    category: str
    details: dict[str, Any]
    answers: dict[str, Any]
    followup_number: int = 0


@dataclass(frozen=True)
class ProgramPairs:
    """One program's characteristics and its aligned before/after values (None = missing)."""

    pk: int
    title: str
    village: str
    year: int
    kind: str  #: ProgramKind code
    facility_kind: str  #: FacilityKind code
    is_demo: bool
    enrolled: int
    companion_share: float | None  #: share of enrolled mothers who came with a companion
    session_minutes: int | None  #: agenda minutes over all sessions
    versions: tuple[str, ...]  #: instrument versions of the responses used
    before: tuple
    after: tuple
    pre_only: int
    post_only: int
    #: ``ebf_visit``: babies exclusive / with a decided latest recall / left undecided
    exclusive: int = 0
    decided: int = 0
    undecided: int = 0


@dataclass(frozen=True)
class PooledDataset:
    outcome: Outcome
    programs: tuple[ProgramPairs, ...]


def _response_rows(pks: list[int], outcome: Outcome) -> dict[int, list[PairRow]]:
    enrolled = Enrollment.objects.filter(program=OuterRef("program"), mother=OuterRef("mother"))
    qs = Response.objects.filter(
        program_id__in=pks,
        instrument_id=outcome.instrument_id,
        timepoint__in=(PRE, POST),
        followup_number=0,
    ).filter(Exists(enrolled))
    if outcome.version:
        qs = qs.filter(instrument_version=outcome.version)
    likert = outcome.definition.kind == "likert" and outcome.measure == "score"
    item = outcome.measure == "item"
    extra = "details" if likert else "answers" if item else None
    fields = ["program_id", "mother__identifier", "instrument_version", "timepoint", "observer",
              "score_pct", "category", *([extra] if extra else [])]  # fmt: skip
    out: dict[int, list[PairRow]] = defaultdict(list)
    # no ORDER BY: one row per program, mother, timepoint and observer (a database
    # constraint), and pair_values orders the pairs by identifier itself
    rows = qs.order_by().values_list(*fields)
    empty: dict[str, Any] = {}
    for row in rows.iterator(chunk_size=5000):
        details = (row[7] or empty) if likert else empty
        answers = (row[7] or empty) if item else empty
        out[row[0]].append(
            PairRow(row[1], row[2], row[3], row[4], row[5], row[6], details, answers)
        )
    return out


def _per_program(qs, field: str, value) -> dict[int, int]:
    return {r[field]: r["value"] for r in qs.values(field).annotate(value=value).order_by()}


def _characteristics(pks: list[int]) -> tuple[dict[int, int], dict[int, int], dict[int, int]]:
    """Enrolled mothers, of whom came with a companion, and agenda minutes, per program."""
    enrolled = _per_program(
        Enrollment.objects.filter(program_id__in=pks), "program_id", Count("mother_id")
    )
    in_program = Enrollment.objects.filter(
        program=OuterRef("session__program"), mother=OuterRef("mother")
    )
    companions = _per_program(
        Attendance.objects.filter(session__program_id__in=pks, companion_present=True).filter(
            Exists(in_program)
        ),
        "session__program_id",
        Count("mother_id", distinct=True),
    )
    minutes = _per_program(
        AgendaItem.objects.filter(session__program_id__in=pks),
        "session__program_id",
        Sum("duration_minutes"),
    )
    return enrolled, companions, minutes


def _village(program: Program) -> str:
    villages = sorted(v.name for v in program.villages.all())
    return " + ".join(villages) if villages else program.facility.village.name


def _feeding_counts(pks: list[int], today: date) -> dict[int, tuple[int, int, int]]:
    """(exclusive, decided, undecided) per program: each enrolled mother's baby counted once,
    with the latest recall before six months on or before ``today``, by the dashboard's own
    definition (:func:`laktasi.followups.aggregates.feeding_by_program_rows`, which shares its
    SQL with the dashboard's ``feeding_rows``: the programme adaptation of WHO/UNICEF EBF).
    An undecided latest recall is left out of N and counted."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in aggregates.feeding_by_program_rows(program_ids=pks, today=today):
        counts[r["program_id"]][r["status"]] += r["n"]
    out = {}
    for pk in pks:
        mine = counts.get(pk, {})
        decided = sum(n for status, n in mine.items() if status != "undecided")
        out[pk] = (mine.get("exclusive", 0), decided, mine.get("undecided", 0))
    return out


def pooled_dataset(
    *, programs: QuerySet[Program], outcome: Outcome, today: date | None = None
) -> PooledDataset:
    """Each program's pairs for ``outcome`` (programs in start-date order); for ``ebf_visit``
    its exclusive / decided / undecided latest recalls instead of pairs."""
    chosen = list(
        programs.select_related("facility__village")
        .prefetch_related("villages")
        .order_by("start_date", "pk")
    )
    pks = [p.pk for p in chosen]
    proportion = outcome.measure == PROPORTION
    rows = {} if proportion else _response_rows(pks, outcome)
    feeding = _feeding_counts(pks, today or timezone.localdate()) if proportion else {}
    enrolled, companions, minutes = _characteristics(pks)
    value = outcome.value()
    out = []
    for program in chosen:
        mine = rows.get(program.pk, [])
        pre, post = timepoint_rows(mine, PRE), timepoint_rows(mine, POST)
        before, after, pre_only, post_only = pair_values(pre, post, value)
        n_enrolled = enrolled.get(program.pk, 0)
        out.append(
            ProgramPairs(
                pk=program.pk,
                title=program.title,
                village=_village(program),
                year=program.start_date.year,
                kind=program.kind,
                facility_kind=program.facility.kind,
                is_demo=program.is_demo,
                enrolled=n_enrolled,
                companion_share=(
                    companions.get(program.pk, 0) / n_enrolled if n_enrolled else None
                ),
                session_minutes=minutes.get(program.pk),
                versions=tuple(sorted({r.version for r in (*pre.values(), *post.values())})),
                before=tuple(before),
                after=tuple(after),
                pre_only=len(pre_only),
                post_only=len(post_only),
                **dict(
                    zip(
                        ("exclusive", "decided", "undecided"),
                        feeding.get(program.pk, ()),
                        strict=False,
                    )
                ),
            )
        )
    return PooledDataset(outcome=outcome, programs=tuple(out))
