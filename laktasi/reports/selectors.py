"""Reads for reports: a program's report, scoped to the user through the program selectors."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from django.db.models import Q, QuerySet

from laktasi.accounts import policy
from laktasi.accounts.models import Role, User
from laktasi.places.models import Region
from laktasi.programs.models import Program
from laktasi.programs.selectors import program_get, program_list
from laktasi.reports.analyses import build_report
from laktasi.reports.datasets import ProgramDataset, PublishedRow, program_dataset
from laktasi.reports.disclosure import report_for_aggregates_only
from laktasi.reports.document import Report
from laktasi.reports.pooled.analysis import MODERATORS, PooledAnalysis, pooled_analyse
from laktasi.reports.pooled.datasets import pooled_dataset
from laktasi.reports.pooled.document import build_pooled_report
from laktasi.reports.pooled.outcomes import outcome_choices, outcome_parse
from laktasi.reports.pooled.texts import kind_label, moderator_label


def report_program(*, user: User, pk: int | str) -> Program:
    """The program whose report the user may read; Http404 when out of scope."""
    return program_get(user=user, pk=pk)


def report_build(
    *,
    program: Program,
    lang: str,
    session_ids: list[int] | None = None,
    include_quotes: bool = False,
    published: dict | None = None,
    user: User | None = None,
) -> Report:
    """Read the program and build its report (``published`` overrides stored percentages),
    from the mothers in ``user``'s scope (``None``: the command line, the whole program)."""
    dataset = program_dataset(
        program=program, session_ids=session_ids, include_quotes=include_quotes, user=user
    )
    if published:
        dataset = with_published(dataset, published)
    report = build_report(dataset, lang=lang, include_quotes=include_quotes)
    if user is not None and not policy.sees_personal_data(user):
        report = report_for_aggregates_only(report)
    return report


def with_published(dataset: ProgramDataset, published: dict) -> ProgramDataset:
    """Replace the dataset's published percentages by ``{instrument: {timepoint: {code: pct}}}``
    (optionally with ``"decimals"`` and ``"citation"`` keys beside the timepoints)."""
    rows = []
    for instrument_id, spec in published.items():
        decimals = int(spec.get("decimals", 1))
        citation = str(spec.get("citation", ""))
        for timepoint, values in spec.items():
            if timepoint in ("decimals", "citation"):
                continue
            rows.append(PublishedRow(instrument_id, timepoint, dict(values), decimals, citation))
    return replace(dataset, published=tuple(rows))


# ------------------------------------------------------------------ evaluation across programs


def pooled_allowed(*, user: User) -> bool:
    """Administrators, coordinators and viewers may pool programs (aggregates only)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_administrator or user.role in {Role.COORDINATOR, Role.VIEWER})
    )


def pooled_program_list(
    *,
    user: User,
    pks: list[int] | None = None,
    region: str = "",
    facility: int | None = None,
    kind: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[Program]:
    """The programs the user may see that match the choice (``region``: a Kemendagri code,
    matched by prefix against the program's villages or its facility's village; dates: the
    program's start date, inclusive). Programs out of scope are silently not matched."""
    if not pooled_allowed(user=user):
        return Program.objects.none()
    return pooled_program_filter(
        program_list(user=user), pks=pks, region=region, facility=facility, kind=kind,
        date_from=date_from, date_to=date_to,
    )  # fmt: skip


def pooled_program_filter(
    qs: QuerySet[Program],
    *,
    pks: list[int] | None = None,
    region: str = "",
    facility: int | None = None,
    kind: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[Program]:
    """Narrow ``qs`` (already scoped) to the programs chosen; see ``pooled_program_list``."""
    if pks is not None:
        qs = qs.filter(pk__in=pks)
    if region:
        in_region = Q(villages__code__startswith=region) | Q(
            facility__village__code__startswith=region
        )
        qs = qs.filter(pk__in=Program.objects.filter(in_region).values("pk"))
    if facility:
        qs = qs.filter(facility_id=facility)
    if kind:
        qs = qs.filter(kind=kind)
    if date_from:
        qs = qs.filter(start_date__gte=date_from)
    if date_to:
        qs = qs.filter(start_date__lte=date_to)
    return qs


def pooled_build(
    *, programs: QuerySet[Program], outcome: str, method: str, test: str, moderator: str | None,
    lang: str,
) -> tuple[PooledAnalysis, Report]:  # fmt: skip
    """Read, analyse and lay out the evaluation across ``programs``.

    Raises OutcomeError (bad outcome) or PoolingRefused (cannot honestly pool), both with a
    message in the current language via ``refusal_message`` / ``str``.
    """
    parsed = outcome_parse(outcome)
    dataset = pooled_dataset(programs=programs, outcome=parsed)
    analysis = pooled_analyse(dataset, method=method, test=test, moderator=moderator)
    return analysis, build_pooled_report(analysis, lang=lang)


def pooled_form_choices(*, programs: QuerySet[Program], lang: str) -> dict[str, list]:
    """Choices for the pooled form, from the programs the user may see: their regions
    (regency, district, village), facilities and kinds; outcomes and characteristics."""
    villages = set()
    facilities = {}
    kinds = set()
    for program in programs.prefetch_related("villages").select_related("facility"):
        villages.update(v.code for v in program.villages.all())
        villages.add(program.facility.village_id)
        facilities[program.facility_id] = program.facility.name
        kinds.add(program.kind)
    codes = {".".join(c.split(".")[:level]) for c in villages for level in (2, 3, 4)}
    prefix = {2: "", 3: "Kec. ", 4: "Desa "}
    regions = [
        (r.code, f"{prefix.get(r.level, '')}{r.name} ({r.code})")
        for r in Region.objects.filter(code__in=codes).order_by("code")
    ]
    return {
        "regions": regions,
        "facilities": sorted(facilities.items(), key=lambda kv: kv[1]),
        "kinds": [(k, kind_label(k)) for k in sorted(kinds)],
        "outcomes": outcome_choices(lang),
        "moderators": [(m, moderator_label(m)) for m in MODERATORS],
    }
