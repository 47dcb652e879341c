"""Dashboard reads: which unit the user looks at, and its aggregates.

Aggregates only (counts, never a person). Geographic and facility units read the
pre-aggregated :class:`~laktasi.followups.models.IndicatorSnapshot`; a program is computed
live with the same SQL (programs are small). Cadres and midwives see only their own
facilities; viewers, coordinators and administrators see aggregates everywhere.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone

from laktasi.accounts.models import Role, User
from laktasi.followups import aggregates
from laktasi.followups.models import IndicatorRollup, IndicatorSnapshot
from laktasi.instruments.models import Response
from laktasi.mothers.models import Mother
from laktasi.places.models import Facility, FacilityKind, Region, RegionLevel
from laktasi.places.selectors import facility_ids_for
from laktasi.programs.models import Program
from laktasi.programs.selectors import program_list

REGION_LEVELS = {"province": 1, "regency": 2, "district": 3, "village": 4}
CODE_LENGTH = {1: 2, 2: 5, 3: 8, 4: 13}
LEVELS = ("all", "province", "regency", "district", "village", "puskesmas", "posyandu", "program")
# The roll-up level a unit's children are summed at (docs/dashboards.md, national scale).
ROLLUP_LEVEL = {"all": 1, "province": 2, "regency": 3}


@dataclass
class Unit:
    level: str
    key: str  # region code, facility pk or program pk ("" for all)
    name: str
    facilities: QuerySet | None  # the unit's facilities (None = all; program: by enrolment)
    snap_q: Q  # the same unit as a filter on IndicatorSnapshot (by area code or facility)
    child_level: str  # "region:<n>" or "facility"
    program: Program | None = None
    parents: list[tuple[str, str, str]] = field(default_factory=list)  # (level, key, name)


def restricted_facilities(user: User) -> set[int] | None:
    """Facilities whose aggregates the user may see; None means all."""
    if user.role in {Role.MIDWIFE, Role.CADRE} and not user.is_administrator:
        return facility_ids_for(user=user) or set()
    return None


def _region_q(code: str, prefix: str) -> Q:
    return Q(**{f"{prefix}village__code": code}) | Q(
        **{f"{prefix}village__code__startswith": code + "."}
    )


def default_unit(user: User) -> tuple[str, str]:
    """Where a user lands: her posyandu or puskesmas, else the whole country."""
    if user.role in {Role.CADRE, Role.MIDWIFE} and not user.is_administrator:
        own = list(Facility.objects.filter(staff=user).order_by("kind", "pk"))
        if user.role == Role.MIDWIFE:
            own = [f for f in own if f.kind == FacilityKind.PUSKESMAS] or own
        if len(own) == 1:
            kind = "puskesmas" if own[0].kind == FacilityKind.PUSKESMAS else "posyandu"
            return kind, str(own[0].pk)
    return "all", ""


def _region_parents(code: str) -> list[tuple[str, str, str]]:
    parts = code.split(".")
    codes = [".".join(parts[:i]) for i in range(1, len(parts))]
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    by_level = {v: k for k, v in REGION_LEVELS.items()}
    return [(by_level[i], c, names.get(c, c)) for i, c in enumerate(codes, start=1)]


def unit_get(*, user: User, level: str, key: str) -> Unit:
    """The unit to show, or Http404 for an unknown one."""
    if level not in LEVELS:
        raise Http404("unknown level")
    if level == "all":
        return Unit("all", "", "", None, Q(), "region:1")
    if level in REGION_LEVELS:
        region = Region.objects.filter(code=key, level=REGION_LEVELS[level]).first()
        if region is None:
            raise Http404("unknown region")
        child = "facility" if region.level == RegionLevel.VILLAGE else f"region:{region.level + 1}"
        facilities = Facility.objects.filter(_region_q(key, ""))
        snap_q = (
            Q(area=key) if region.level == RegionLevel.VILLAGE else Q(area__startswith=key + ".")
        )
        return Unit(
            level, key, region.name, facilities, snap_q, child, parents=_region_parents(key)
        )
    if level == "program":
        program = program_list(user=user).filter(pk=key if key.isdigit() else -1).first()
        if program is None:
            raise Http404("unknown program")
        return Unit(level, key, program.title, None, Q(), "facility", program=program)
    kind = FacilityKind.PUSKESMAS if level == "puskesmas" else FacilityKind.POSYANDU
    facility = Facility.objects.filter(pk=key if key.isdigit() else -1, kind=kind).first()
    if facility is None:
        raise Http404("unknown facility")
    q = Q(pk=facility.pk)
    if level == "puskesmas":
        q |= Q(puskesmas_id=facility.pk)
    parents = _region_parents(facility.village_id) + [
        ("village", facility.village_id, facility.village.name)
    ]
    facilities = Facility.objects.filter(q)
    snap_q = Q(facility_id__in=list(facilities.values_list("pk", flat=True)))
    return Unit(level, key, str(facility), facilities, snap_q, "facility", parents=parents)


# ---------------------------------------------------------------------------- aggregates


@dataclass
class Dashboard:
    unit: Unit
    as_of: date | None
    children: dict[str, str]  # key -> name
    feeding: dict[str, dict[str, int]]  # child key -> status -> n
    feeding_by_age: dict[int, dict[str, int]]  # age month -> status -> n
    visits: dict[str, dict[str, int]]  # child key -> due/done/missed/open
    eibf: dict[str, dict[str, int]]  # child key -> yes/no/unknown
    imd: dict[str, dict[str, int]]  # child key -> yes/no/unknown (separate from EIBF)
    survival: list[tuple[int, bool, bool, bool, int]]  # duration, event, husband, primi, n
    mothers: int
    responses: dict[tuple[str, str, str], int]  # (instrument, timepoint, category) -> n


def _key_expr(unit: Unit, prefix: str = ""):
    if unit.child_level == "facility":
        return F(f"{prefix}facility_id")
    level = int(unit.child_level.split(":")[1])
    return Substr(f"{prefix}area", 1, CODE_LENGTH[level])


def _child_names(unit: Unit, keys: set[str]) -> dict[str, str]:
    if unit.child_level == "facility":
        return {str(f.pk): str(f) for f in Facility.objects.filter(pk__in=[int(k) for k in keys])}
    return dict(Region.objects.filter(code__in=keys).values_list("code", "name"))


def dashboard_get(*, user: User, unit: Unit, today: date | None = None) -> Dashboard:
    """Every aggregate the dashboard page shows for ``unit``, within the user's area."""
    today = today or timezone.localdate()
    allowed = restricted_facilities(user)
    if unit.program is not None:
        return _program_dashboard(unit=unit, allowed=allowed, today=today)
    snap = _indicator_rows(unit, allowed)
    by_metric: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    by_age: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    mothers, as_of = 0, None
    rows = (
        snap.exclude(metric="survival")
        .annotate(key=_key_expr(unit))
        .values_list("key", "metric", "status", "age_month")
        .annotate(total=Sum("n"), last=Max("as_of"))
    )
    for key, metric, status, age, n, last in rows:
        if metric == "mothers":
            mothers += n
            continue
        counts = by_metric[metric][str(key)]
        counts[status] = counts.get(status, 0) + n
        if metric == "feeding":
            by_age[age][status] += n
        if metric == "visits":
            as_of = max(as_of or last, last)
    survival = list(
        snap.filter(metric="survival")
        .values_list("duration_days", "event", "husband_massage", "primipara")
        .annotate(total=Sum("n"))
    )
    return _finish(unit, mothers, by_metric, by_age, survival, as_of, allowed=allowed)


def _indicator_rows(unit: Unit, allowed: set[int] | None) -> QuerySet:
    """The unit's pre-aggregated rows: the roll-up of its children's level when the user sees
    every facility and the unit is the country, a province or a regency (the same counts,
    summed per area), else the snapshot rows of the (allowed) facilities."""
    if allowed is None and unit.level in ROLLUP_LEVEL:
        return IndicatorRollup.objects.filter(level=ROLLUP_LEVEL[unit.level]).filter(unit.snap_q)
    snap = IndicatorSnapshot.objects.filter(unit.snap_q)
    if allowed is not None:
        snap = snap.filter(facility_id__in=allowed)
    return snap


def _program_dashboard(*, unit: Unit, allowed: set[int] | None, today: date) -> Dashboard:
    facility_ids = sorted(allowed) if allowed is not None else None
    where, params = aggregates.mother_filter(facility_ids=facility_ids, program_id=unit.program.pk)
    rows = aggregates.all_rows(where=where, params=params, today=today)
    by_metric: dict[str, dict[str, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int))
    )
    by_age: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for metric in ("feeding", "visits", "eibf", "imd"):
        for r in rows[metric]:
            by_metric[metric][str(r["facility_id"])][r["status"]] += r["n"]
    for r in rows["feeding"]:
        by_age[r["age_month"]][r["status"]] += r["n"]
    survival = [
        (r["duration_days"], r["event"], r["husband_massage"], r["primipara"], r["n"])
        for r in rows["survival"]
    ]
    mothers = Mother.objects.filter(enrollments__program=unit.program)
    if allowed is not None:
        mothers = mothers.filter(facility_id__in=allowed)
    return _finish(
        unit, mothers.count(), by_metric, by_age, survival, today, allowed=allowed, program=True
    )


def _finish(
    unit, mothers, by_metric, by_age, survival, as_of, *, allowed=None, program=False
) -> Dashboard:
    responses = Response.objects.filter(
        instrument_id__in=["knowledge_test", "milk_smoothness"], timepoint__in=["pre", "post"]
    )
    if program:
        responses = responses.filter(program=unit.program)
    elif unit.facilities is not None:
        responses = responses.filter(mother__facility_id__in=unit.facilities.values("pk"))
    if allowed is not None:
        responses = responses.filter(mother__facility_id__in=allowed)
    counts = {
        (i, t, c): n
        for i, t, c, n in responses.values_list("instrument_id", "timepoint", "category").annotate(
            total=Count("pk")
        )
    }
    feeding, visits, eibf, imd = (
        by_metric.get(m, {}) for m in ("feeding", "visits", "eibf", "imd")
    )
    keys = set(feeding) | set(visits) | set(eibf) | set(imd)
    return Dashboard(
        unit=unit,
        as_of=as_of,
        children=_child_names(unit, keys),
        feeding={k: dict(v) for k, v in feeding.items()},
        feeding_by_age={k: dict(v) for k, v in by_age.items()},
        visits={k: dict(v) for k, v in visits.items()},
        eibf={k: dict(v) for k, v in eibf.items()},
        imd={k: dict(v) for k, v in imd.items()},
        survival=[tuple(r) for r in survival],
        mothers=mothers,
        responses=counts,
    )


def unit_links(*, user: User, unit: Unit) -> dict[str, list[tuple[str, str, str]]]:
    """Other units to open from here: programs, and the puskesmas within a region."""
    programs = [("program", str(p.pk), p.title) for p in program_list(user=user)[:50]]
    puskesmas: list[tuple[str, str, str]] = []
    if unit.level in {"district", "village"}:
        allowed = restricted_facilities(user)
        qs = Facility.objects.filter(kind=FacilityKind.PUSKESMAS).filter(_region_q(unit.key, ""))
        if allowed is not None:
            qs = qs.filter(pk__in=allowed)
        puskesmas = [("puskesmas", str(f.pk), str(f)) for f in qs[:50]]
    return {"programs": programs, "puskesmas": puskesmas}
