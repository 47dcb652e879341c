"""Follow-up aggregates per facility, computed in SQL (portable: SQLite and PostgreSQL).

These are the "plain GROUP BY" queries. The snapshot refresh stores their rows in
:class:`~laktasi.followups.models.IndicatorSnapshot`; program pages run them live with a
program filter. Rows are counts per facility, never a person.

Definitions (documented in docs and on the dashboard):

- **feeding**: per baby, the latest recorded recall at 0-5 completed months on or before
  ``today``; counted by (facility, completed months at that recall, feeding status). This is
  the WHO/UNICEF 2021 EBF / MixMF population (FACTS §6): infants 0-5 months, previous-day
  recall, here the latest visit's recall of each baby followed (a programme adaptation of the
  cross-sectional indicator). A latest recall that is undecided (an answer missing that
  would change the status) is counted as ``undecided``: it is left out of N and its count is
  reported, never replaced by an older recall.
- **survival**: per baby with at least one recall before 183 days, the age in days at the
  first recall that was not exclusive (event), else the age at the last exclusive recall
  (censored: lost to follow-up; a baby still exclusive at a recall from day 168 on, the
  month-6 contact, is censored at six months = 183 days). Grouped with whether the husband did
  the oxytocin massage at any visit and whether the mother is primipara. The event is seen
  at a visit, so the true end lies between two visits (interval-censored; the visit age is
  used, as is usual in programme monitoring).
- **eibf**: babies by whether they were put to the breast within one hour (yes, no,
  unknown = not recorded): WHO/UNICEF 2021 EIBF.
- **imd**: babies by IMD, skin-to-skin for at least one hour (yes, no, unknown). A separate
  field: never derived from EIBF (FACTS §17).
- **visits**: scheduled visits by state on ``today``: ``due`` (window opened), ``done``,
  ``missed`` (window closed, not done), ``open`` (window open, not done).
"""

from __future__ import annotations

from datetime import date

from django.db import connection

from laktasi.followups.models import SIX_MONTHS_DAYS, Visit
from laktasi.mothers.models import Baby, Mother
from laktasi.programs.models import Enrollment

# A baby still exclusive at a recall from this age on (the month-6 contact's window opens at
# day 168 in the default plan) completed follow-up: censored at six months, not before.
COMPLETED_FROM_DAY = 168

V, B, M, E = (
    Visit._meta.db_table,
    Baby._meta.db_table,
    Mother._meta.db_table,
    Enrollment._meta.db_table,
)
_JOIN = f"FROM {V} v JOIN {B} b ON b.id = v.baby_id JOIN {M} m ON m.id = b.mother_id"


def mother_filter(
    *, facility_ids: list[int] | None = None, program_id: int | None = None
) -> tuple[str, list]:
    """A WHERE fragment on ``m`` (mothers) and its parameters."""
    parts, params = ["1 = 1"], []
    if facility_ids is not None:
        if not facility_ids:
            return "1 = 0", []
        parts.append(f"m.facility_id IN ({', '.join(['%s'] * len(facility_ids))})")
        params.extend(facility_ids)
    if program_id is not None:
        parts.append(f"m.id IN (SELECT mother_id FROM {E} WHERE program_id = %s)")
        params.append(program_id)
    return " AND ".join(parts), params


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# The feeding definition (see the module docstring), shared by the dashboard's count per
# facility and the pooled evaluation's count per program: each baby's latest recall at 0-5
# completed months on or before the date parameter, an empty status counted as undecided.
_LATEST_STATUS = """CASE WHEN v.feeding_status = '' THEN 'undecided'
                      ELSE v.feeding_status END AS feeding_status,
                 ROW_NUMBER() OVER (PARTITION BY {partition}v.baby_id
                                    ORDER BY v.done_on DESC, v.id DESC) AS rn"""
_LATEST_WHERE = """v.done_on IS NOT NULL AND v.done_on <= %s
            AND (v.feeding_status <> '' OR v.recall_id IS NOT NULL)
            AND v.age_months < 6"""


def feeding_rows(*, where: str, params: list, today: date) -> list[dict]:
    latest = _LATEST_STATUS.format(partition="")
    sql = f"""
        SELECT facility_id, age_months, feeding_status, COUNT(*) FROM (
          SELECT m.facility_id AS facility_id, v.age_months AS age_months,
                 {latest}
          {_JOIN}
          WHERE {_LATEST_WHERE} AND {where}
        ) latest
        WHERE rn = 1
        GROUP BY facility_id, age_months, feeding_status
    """
    return [
        {"facility_id": f, "age_month": a, "status": s, "n": n}
        for f, a, s, n in _fetch(sql, [today, *params])
    ]


def feeding_by_program_rows(*, program_ids: list[int], today: date) -> list[dict]:
    """The ``feeding`` count per program instead of per facility: the babies of each program's
    enrolled mothers, each with its latest recall (the same definition as :func:`feeding_rows`;
    a mother enrolled in two programs counts in both). One query for any number of programs."""
    if not program_ids:
        return []
    latest = _LATEST_STATUS.format(partition="e.program_id, ")
    marks = ", ".join(["%s"] * len(program_ids))
    sql = f"""
        SELECT program_id, feeding_status, COUNT(*) FROM (
          SELECT e.program_id AS program_id, {latest}
          {_JOIN} JOIN {E} e ON e.mother_id = m.id
          WHERE {_LATEST_WHERE} AND e.program_id IN ({marks})
        ) latest
        WHERE rn = 1
        GROUP BY program_id, feeding_status
    """
    return [
        {"program_id": p, "status": s, "n": n} for p, s, n in _fetch(sql, [today, *program_ids])
    ]


def survival_rows(*, where: str, params: list, today: date) -> list[dict]:
    ended = "CASE WHEN v.feeding_status NOT IN ('', 'exclusive') THEN v.age_days END"
    kept = "CASE WHEN v.feeding_status = 'exclusive' THEN v.age_days END"
    sql = f"""
        SELECT facility_id, duration, event, husband, primipara, COUNT(*) FROM (
          SELECT m.facility_id AS facility_id,
                 COALESCE(MIN({ended}),
                          CASE WHEN MAX({kept}) >= %s THEN %s ELSE MAX({kept}) END)
                   AS duration,
                 CASE WHEN MIN({ended}) IS NULL THEN 0 ELSE 1 END AS event,
                 MAX(CASE WHEN v.massage_by = 'husband' THEN 1 ELSE 0 END) AS husband,
                 CASE WHEN m.parity = 1 THEN 1 ELSE 0 END AS primipara
          {_JOIN}
          WHERE v.done_on IS NOT NULL AND v.done_on <= %s AND v.age_days < %s AND {where}
          GROUP BY v.baby_id, m.facility_id, m.parity
          HAVING MAX(CASE WHEN v.feeding_status <> '' THEN 1 ELSE 0 END) = 1
        ) per_baby
        GROUP BY facility_id, duration, event, husband, primipara
    """
    return [
        {
            "facility_id": f,
            "duration_days": d,
            "event": bool(e),
            "husband_massage": bool(h),
            "primipara": bool(p),
            "n": n,
        }
        for f, d, e, h, p, n in _fetch(
            sql, [COMPLETED_FROM_DAY, SIX_MONTHS_DAYS, today, SIX_MONTHS_DAYS, *params]
        )
    ]


def visit_rows(*, where: str, params: list, today: date) -> list[dict]:
    sql = f"""
        SELECT m.facility_id,
               SUM(CASE WHEN v.window_start <= %s THEN 1 ELSE 0 END),
               SUM(CASE WHEN v.done_on IS NOT NULL AND v.done_on <= %s THEN 1 ELSE 0 END),
               SUM(CASE WHEN v.done_on IS NULL AND v.window_end < %s THEN 1 ELSE 0 END),
               SUM(CASE WHEN v.done_on IS NULL AND v.window_start <= %s
                         AND v.window_end >= %s THEN 1 ELSE 0 END)
        {_JOIN}
        WHERE v.scheduled = %s AND {where}
        GROUP BY m.facility_id
    """
    rows = []
    for f, *counts in _fetch(sql, [today] * 5 + [True, *params]):
        for status, n in zip(("due", "done", "missed", "open"), counts, strict=True):
            if n:
                rows.append({"facility_id": f, "status": status, "n": int(n)})
    return rows


def eibf_rows(*, where: str, params: list, today: date) -> list[dict]:
    """Babies by early initiation (put to the breast within 1 h): yes, no, unknown."""
    return _birth_practice_rows("early_initiation", where=where, params=params, today=today)


def imd_rows(*, where: str, params: list, today: date) -> list[dict]:
    """Babies by IMD (skin-to-skin for at least 1 h): yes, no, unknown. Never from EIBF."""
    return _birth_practice_rows("imd", where=where, params=params, today=today)


def _birth_practice_rows(column: str, *, where: str, params: list, today: date) -> list[dict]:
    assert column in ("early_initiation", "imd")  # noqa: S101 (a fixed column name, not input)
    sql = f"""
        SELECT m.facility_id, b.{column}, COUNT(*)
        FROM {B} b JOIN {M} m ON m.id = b.mother_id
        WHERE b.birth_date <= %s AND {where}
        GROUP BY m.facility_id, b.{column}
    """
    names = {True: "yes", False: "no", None: "unknown"}  # SQLite gives 1/0: equal keys
    return [
        {"facility_id": f, "status": names[e], "n": n} for f, e, n in _fetch(sql, [today, *params])
    ]


def mother_rows(*, where: str, params: list, today: date) -> list[dict]:
    sql = f"SELECT m.facility_id, COUNT(*) FROM {M} m WHERE {where} GROUP BY m.facility_id"
    return [{"facility_id": f, "status": "mothers", "n": n} for f, n in _fetch(sql, params)]


def all_rows(*, where: str, params: list, today: date) -> dict[str, list[dict]]:
    """Every metric's rows, keyed by metric name."""
    return {
        "feeding": feeding_rows(where=where, params=params, today=today),
        "survival": survival_rows(where=where, params=params, today=today),
        "visits": visit_rows(where=where, params=params, today=today),
        "eibf": eibf_rows(where=where, params=params, today=today),
        "imd": imd_rows(where=where, params=params, today=today),
        "mothers": mother_rows(where=where, params=params, today=today),
    }
