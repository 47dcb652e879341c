"""Synthetic follow-up data at village, regency or province size (for benchmarks only).

    DATABASE_URL=postgres://... python bench/generate_synthetic.py --size province

Sizes (regions under the fictional province code 99, "Provinsi Sintetis"; visits as
measured with the default seed, they vary a little with the date):

==========  =========  =========  ========  =========  =========  ========  ==========
size        regencies  districts  villages  puskesmas  posyandu   mothers   visits
==========  =========  =========  ========  =========  =========  ========  ==========
village     1          1          1         1          2          60        1,183
regency     1          20         200       20         400        6,000     119,184
province    20         400        4,000     400        8,000      120,000   2,386,384
==========  =========  =========  ========  =========  =========  ========  ==========

Every mother has one baby born in the last 12 months. Each baby has the 9 scheduled
contacts of the default plan (done when their date has passed, except 8 % missed and 10 %
of babies lost to follow-up) plus up to 15 extra contacts (phone calls and posyandu days)
spread over its first six months, recorded only once they have happened. Every contact
that happened carries a feeding status; about half the babies stop exclusive breastfeeding
before six months (less often when the husband does the massage: synthetic, for the curves).
The recall answers themselves (instrument responses) are not generated: the dashboard reads
the feeding status copied onto each visit.

Mothers and babies are inserted with ``bulk_create``; visits with PostgreSQL ``COPY``
(``bulk_create`` on SQLite). Deterministic for a given seed and date.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laktasi.settings")

SIZES = {
    # regencies, districts per regency, villages per district, posyandu per village,
    # mothers per posyandu
    "village": (1, 1, 1, 2, 30),
    "regency": (1, 20, 10, 2, 15),
    "province": (20, 20, 10, 2, 15),
}
PROVINCE = "99"
EXTRA_CONTACTS = 15


def _regions(size: str):
    from laktasi.places.models import Region

    regencies, districts, villages, _per_village, _mothers = SIZES[size]
    rows = [Region(code=PROVINCE, name="Provinsi Sintetis", level=1)]
    village_codes = []
    for r in range(1, regencies + 1):
        rc = f"{PROVINCE}.{r:02d}"
        rows.append(
            Region(code=rc, name=f"Kabupaten Sintetis {r:02d}", level=2, parent_id=PROVINCE)
        )
        for d in range(1, districts + 1):
            dc = f"{rc}.{d:02d}"
            rows.append(Region(code=dc, name=f"Kecamatan {r:02d}-{d:02d}", level=3, parent_id=rc))
            for v in range(1, villages + 1):
                vc = f"{dc}.{2000 + v}"
                rows.append(Region(code=vc, name=f"Desa {r:02d}-{d:02d}-{v:02d}", level=4,
                                   parent_id=dc))  # fmt: skip
                village_codes.append(vc)
    Region.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    return village_codes


def _facilities(size: str, village_codes: list[str]):
    from laktasi.places.models import Facility, FacilityKind

    per_village = SIZES[size][3]
    by_district: dict[str, list[str]] = {}
    for code in village_codes:
        by_district.setdefault(code.rsplit(".", 1)[0], []).append(code)
    puskesmas = Facility.objects.bulk_create(
        [Facility(kind=FacilityKind.PUSKESMAS, name=f"Puskesmas {d}", village_id=vs[0])
         for d, vs in by_district.items()], batch_size=2000)  # fmt: skip
    pk_by_district = dict(zip(by_district, (p.pk for p in puskesmas), strict=True))
    posyandu = Facility.objects.bulk_create(
        [
            Facility(kind=FacilityKind.POSYANDU, name=f"Posyandu {v}-{i}", village_id=v,
                     puskesmas_id=pk_by_district[v.rsplit(".", 1)[0]])
            for v in village_codes for i in range(1, per_village + 1)
        ],
        batch_size=5000,
    )  # fmt: skip
    return puskesmas, posyandu


def generate(size: str, *, seed: int = 20250125, today: date | None = None, log=print) -> dict:
    """Create the synthetic area; returns counts and the ids a benchmark needs."""
    from django.db import connection, transaction

    from laktasi.accounts.models import Role, User
    from laktasi.followups.models import DEFAULT_CONTACTS, Visit
    from laktasi.followups.schedule import completed_months, contact_dates
    from laktasi.mothers.models import Baby, Mother

    today = today or date.today()
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    with transaction.atomic():
        villages = _regions(size)
        puskesmas, posyandu = _facilities(size, villages)
    log(f"regions and facilities: {len(villages)} villages, {len(puskesmas)} puskesmas, "
        f"{len(posyandu)} posyandu ({time.perf_counter() - start:.1f} s)")  # fmt: skip
    per_posyandu = SIZES[size][4]
    n = len(posyandu) * per_posyandu
    facility_of = np.repeat([p.pk for p in posyandu], per_posyandu)
    village_of = np.repeat([p.village_id for p in posyandu], per_posyandu)
    parity = np.where(rng.random(n) < 0.4, 1, rng.integers(2, 5, n))
    birth_offset = rng.integers(0, 366, n)
    mothers = []
    for i in range(n):
        birth = today - timedelta(days=int(birth_offset[i]))
        mothers.append(Mother(
            full_name=f"Ibu Sintetis {i:06d}", birth_date=date(1995, 1 + i % 12, 1 + i % 28),
            village_id=str(village_of[i]), facility_id=int(facility_of[i]),
            parity=int(parity[i]), delivery_date=birth,
        ))  # fmt: skip
    t0 = time.perf_counter()
    with transaction.atomic():
        Mother.objects.bulk_create(mothers, batch_size=5000)
    early = rng.random(n)
    babies = [
        Baby(mother_id=m.pk, birth_date=m.delivery_date, sex="F" if i % 2 else "M",
             birth_weight_g=int(2500 + rng.integers(0, 1500)),
             early_initiation=None if early[i] < 0.15 else bool(early[i] < 0.7))
        for i, m in enumerate(mothers)
    ]  # fmt: skip
    with transaction.atomic():
        Baby.objects.bulk_create(babies, batch_size=5000)
    log(f"mothers and babies: {n} each ({time.perf_counter() - t0:.1f} s)")

    t0 = time.perf_counter()
    rows = list(_visit_rows(babies, parity, rng, today, DEFAULT_CONTACTS, contact_dates,
                            completed_months))  # fmt: skip
    log(f"visit rows built: {len(rows)} ({time.perf_counter() - t0:.1f} s)")
    t0 = time.perf_counter()
    columns = ["created_at", "updated_at", "baby_id", "key", "number", "scheduled", "due_date",
               "window_start", "window_end", "done_on", "mode", "feeding_status", "age_days",
               "age_months", "problems", "massage_done", "massage_by", "referral_made", "notes"]  # fmt: skip
    with transaction.atomic():
        if connection.vendor == "postgresql":
            sql = f"COPY {Visit._meta.db_table} ({', '.join(columns)}) FROM STDIN"
            with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            Visit.objects.bulk_create(
                (Visit(**dict(zip(columns, row, strict=True))) for row in rows), batch_size=5000
            )
    log(f"visits inserted: {len(rows)} ({time.perf_counter() - t0:.1f} s)")
    kader = User.objects.create_user(f"bench-kader-{size}", role=Role.CADRE)
    posyandu[0].staff.add(kader)
    bidan = User.objects.create_user(f"bench-bidan-{size}", role=Role.MIDWIFE)
    puskesmas[0].staff.add(bidan)
    viewer = User.objects.create_user(f"bench-viewer-{size}", role=Role.VIEWER)
    return {
        "villages": len(villages),
        "puskesmas": len(puskesmas),
        "posyandu": len(posyandu),
        "mothers": n,
        "visits": len(rows),
        "seconds": time.perf_counter() - start,
        "kader": kader.pk,
        "bidan": bidan.pk,
        "viewer": viewer.pk,
        "posyandu_pk": posyandu[0].pk,
        "puskesmas_pk": puskesmas[0].pk,
        "village_code": posyandu[0].village_id,
    }


def _visit_rows(babies, parity, rng, today, contacts, contact_dates, completed_months):
    """One tuple per visit, in the column order of :func:`generate`."""
    now = f"{today.isoformat()} 00:00:00+00"
    n = len(babies)
    husband = rng.random(n) < 0.5
    stops = rng.random(n) < np.where(husband, 0.38, 0.55)
    stop_day = np.where(stops, rng.integers(1, 183, n), 10_000)
    end_kind = rng.choice(["predominant", "mixed_milk", "partial"], n, p=[0.4, 0.35, 0.25])
    lost_at = np.where(rng.random(n) < 0.1, rng.integers(2, 9, n), 99)
    missed = rng.random((n, len(contacts))) < 0.08
    extra_days = np.sort(rng.integers(3, 183, (n, EXTRA_CONTACTS)), axis=1)
    jitter = rng.integers(-1, 3, (n, len(contacts)))
    empty = "[]"

    def status(i: int, age: int) -> str:
        if age < stop_day[i]:
            return "exclusive"
        kind = end_kind[i]
        return "mixed_milk" if kind == "partial" and age < 90 else kind

    for i, baby in enumerate(babies):
        birth = baby.birth_date
        by = "husband" if husband[i] else "family"
        for j, c in enumerate(contact_dates(birth, contacts)):
            done = None
            if c.due_date < today and j < lost_at[i] and not missed[i, j]:
                done = min(c.due_date + timedelta(days=int(jitter[i, j])), today)
            age = (done - birth).days if done else None
            yield (
                now, now, baby.pk, c.key, c.number, True, c.due_date, c.window_start,
                c.window_end, done, ("home" if j < 4 else "posyandu") if done else "",
                status(i, age) if done else "", age,
                completed_months(birth, done) if done else None, empty,
                (age < 120) if done else None, by if done and age < 120 else "", False, "",
            )  # fmt: skip
        for k, day in enumerate(extra_days[i]):
            on = birth + timedelta(days=int(day))
            if on > today or k >= 2 * lost_at[i]:
                continue
            yield (
                now, now, baby.pk, "extra", 100 + k, False, on, on, on, on, "phone",
                status(i, int(day)), int(day), completed_months(birth, on), empty,
                None, "", False, "",
            )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="village")
    parser.add_argument("--seed", type=int, default=20250125)
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    result = generate(args.size, seed=args.seed)
    print(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
