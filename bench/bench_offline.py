"""Offline field work: size of a phone's first and later syncs, and time to send 100 queued visits.

    python bench/bench_offline.py

Builds a throwaway SQLite database (``LAKTASI_VAR_DIR``/``LAKTASI_SQLITE_PATH`` in a temporary
folder) with one puskesmas of 20 posyandu of 50 mothers each (each mother with a baby of 0 to
180 days and her visit schedule), a class at posyandu 0 (a program with a session tomorrow and
20 of its mothers enrolled), a kader of posyandu 0 and the puskesmas's bidan. Then, through
``django.test.Client`` (the whole Django stack, no network):

- first sync of the kader (50 mothers), of the bidan with all 20 posyandu (1,000 mothers) and
  of the bidan who chose 2 posyandu: the /sinkron/ list, and the pages on it fetched as the
  phone does (the bidan's 20 posyandu: every 5th, scaled; BIDAN_STEP=1 for all): number of
  pages, bytes (uncompressed and gzip-compressed, what a phone downloads from a server that
  compresses) and server time;
- a second sync (kader; bidan with 2 posyandu) after one mother's name was corrected: each
  page asked with the ETag of the phone's copy (If-None-Match), as offline-sync.js does: pages
  downloaded again, pages answered 304, bytes, server time; and a sync with nothing changed;
- 100 visits replayed from the offline queue (``X-Laktasi-Offline: 1``): time to send them,
  then the same 100 again (all answered "duplicate", nothing saved twice).

Static files (CSS/JS, about the same for every user) are not counted.
"""

from __future__ import annotations

import gzip
import os
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The bidan's pages are alike (visit forms, baby and mother pages): every 5th is fetched and the
# totals scaled, which keeps the run to minutes. BIDAN_STEP=1 fetches them all.
BIDAN_STEP = int(os.environ.get("BIDAN_STEP", "5"))


def setup_django(tmp: Path) -> None:
    os.environ["LAKTASI_VAR_DIR"] = str(tmp)
    os.environ["LAKTASI_SQLITE_PATH"] = str(tmp / "bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laktasi.settings")
    sys.path.insert(0, str(ROOT))
    import django  # noqa: PLC0415 (django must be configured first)

    django.setup()
    from django.conf import settings  # noqa: PLC0415
    from django.core.management import call_command  # noqa: PLC0415

    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TWO_FACTOR_REQUIRED = False
    call_command("migrate", interactive=False, verbosity=0)


def build_world():
    """One puskesmas, 20 posyandu of 50 mothers, a class at posyandu 0; returns
    (kader, bidan, the posyandu)."""
    from django.utils import timezone  # noqa: PLC0415

    from laktasi.accounts.models import Role, User  # noqa: PLC0415
    from laktasi.followups.services import visits_schedule  # noqa: PLC0415
    from laktasi.mothers.services import mother_register  # noqa: PLC0415
    from laktasi.places.models import Facility, FacilityKind  # noqa: PLC0415
    from tests.conftest import make_regions  # noqa: PLC0415

    rng = random.Random(21)
    village = make_regions()["35.23.12.2005"]
    puskesmas = Facility.objects.create(kind=FacilityKind.PUSKESMAS, name="Jenu", village=village)
    kader = User.objects.create_user(username="kader", password=None, role=Role.CADRE)
    bidan = User.objects.create_user(username="bidan", password=None, role=Role.MIDWIFE)
    puskesmas.staff.add(bidan)
    today = timezone.localdate()
    posyandu_list = []
    for p in range(20):
        posyandu = Facility.objects.create(
            kind=FacilityKind.POSYANDU, name=f"Posyandu {p}", village=village, puskesmas=puskesmas
        )
        posyandu_list.append(posyandu)
        if p == 0:
            posyandu.staff.add(kader)
        for m in range(50):
            mother = mother_register(
                registered_by=None,
                full_name=f"Ibu {p}-{m}",
                birth_date=date(1995, 1, 1),
                village=village,
                facility=posyandu,
                parity=1,
                phone="081234567890",
                baby={
                    "birth_date": today - timedelta(days=rng.randint(0, 180)),
                    "sex": "F",
                    "birth_weight_g": 3100,
                },
                consent={"text_version": "1"},
            )
            for baby in mother.babies.all():
                visits_schedule(baby=baby, since=today - timedelta(days=30))
    build_class(posyandu_list[0], village)
    return kader, bidan, posyandu_list


def build_class(posyandu, village) -> None:
    """A program at ``posyandu`` with a session tomorrow and 20 of its mothers enrolled."""
    from django.utils import timezone  # noqa: PLC0415

    from laktasi.mothers.models import Mother  # noqa: PLC0415
    from laktasi.programs.services import program_create, session_create  # noqa: PLC0415

    program = program_create(
        title="Kelas ASI",
        organiser="Puskesmas",
        kind="community_service",
        facility=posyandu,
        start_date=timezone.localdate(),
        villages=[village],
    )
    tomorrow = timezone.localdate() + timedelta(days=1)
    session_create(
        program=program,
        title="Sesi 1",
        starts_at=timezone.make_aware(datetime.combine(tomorrow, clock(9, 0))),
        venue="Posyandu",
        facilitator="Bidan",
    )
    for mother in Mother.objects.filter(facility=posyandu).order_by("pk")[:20]:
        program.enrollments.create(mother=mother)


def sync(client, label: str, step: int = 1, phone: dict | None = None) -> dict:
    """Fetch the sync list and its pages (every ``step``-th page, scaled up when step > 1).

    ``phone``: the sync list's and each page's ETag from an earlier sync, sent as
    If-None-Match as offline-sync.js does. Returns the ETags after this sync."""
    phone = phone or {}
    start = time.perf_counter()
    headers = {"HTTP_IF_NONE_MATCH": phone["/sinkron/"]} if "/sinkron/" in phone else {}
    listing = client.get("/sinkron/", **headers)
    if listing.status_code == 304:
        seconds = time.perf_counter() - start
        print(f"{label}: sync list 304, no page asked, {seconds:.2f} s server time", flush=True)
        return phone
    urls = listing.json()["urls"]
    tags = {"/sinkron/": listing["ETag"]}
    raw = packed = fetched = 0
    sample = urls[::step]
    for url in sample:
        headers = {"HTTP_IF_NONE_MATCH": phone[url]} if url in phone else {}
        page = client.get(url, **headers)
        assert page.status_code in (200, 304), (url, page.status_code)
        tags[url] = page["ETag"]
        if page.status_code == 200:
            fetched += 1
            raw += len(page.content)
            packed += len(gzip.compress(page.content))
    scale = len(urls) / len(sample)
    raw = raw * scale + len(listing.content)
    packed = packed * scale + len(gzip.compress(listing.content))
    seconds = (time.perf_counter() - start) * scale
    note = f" (estimated from every {step}th page)" if step > 1 else ""
    print(
        f"{label}: {len(urls)} pages listed, {fetched * scale:.0f} downloaded, "
        f"{(len(sample) - fetched) * scale:.0f} answered 304; {raw / 1e6:.3f} MB "
        f"({packed / 1e6:.3f} MB gzip), {seconds:.0f} s server time{note}",
        flush=True,
    )
    return tags


def one_change(bidan, posyandu) -> None:
    """Correct the name of one mother of ``posyandu`` (a change the pages show)."""
    from laktasi.mothers.models import Mother  # noqa: PLC0415
    from laktasi.mothers.services import mother_update  # noqa: PLC0415

    mother = Mother.objects.filter(facility=posyandu, enrollments__isnull=True).order_by("pk")[0]
    mother_update(mother=mother, by=bidan, full_name=mother.full_name + " Sari")


def replay(client, bidan) -> None:
    from laktasi.followups.models import Visit  # noqa: PLC0415
    from laktasi.followups.selectors import visit_list  # noqa: PLC0415
    from tests.offline.helpers import visit_post  # noqa: PLC0415

    visits = list(visit_list(user=bidan).filter(done_on__isnull=True).order_by("pk")[:100])
    posts = [(f"/kunjungan/{v.pk}/catat/", visit_post()) for v in visits]
    for label in ("100 queued visits, first send", "the same 100 again (duplicates)"):
        start = time.perf_counter()
        outcomes = [
            client.post(url, data, HTTP_X_LAKTASI_OFFLINE="1").json()["outcome"]
            for url, data in posts
        ]
        seconds = time.perf_counter() - start
        summary = {o: outcomes.count(o) for o in sorted(set(outcomes))}
        print(f"{label}: {seconds:.1f} s ({seconds * 10:.0f} ms each) {summary}", flush=True)
    done = Visit.objects.filter(pk__in=[v.pk for v in visits], done_on__isnull=False).count()
    print(f"visits recorded: {done} of {len(visits)}", flush=True)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(Path(tmp))
        from django.test import Client  # noqa: PLC0415

        from laktasi.offline.services import offline_facilities_set  # noqa: PLC0415

        start = time.perf_counter()
        kader, bidan, posyandu = build_world()
        print(f"built 1,000 mothers in {time.perf_counter() - start:.0f} s", flush=True)
        clients = {}
        for user in (kader, bidan):
            clients[user.username] = Client()
            clients[user.username].force_login(user)
        kader_phone = sync(clients["kader"], "kader, 1 posyandu of 50 mothers, first sync")
        sync(clients["bidan"], "bidan, 20 posyandu (1,000 mothers), first sync", BIDAN_STEP)
        offline_facilities_set(user=bidan, facility_ids=[posyandu[0].pk, posyandu[1].pk])
        bidan_phone = sync(clients["bidan"], "bidan who chose 2 posyandu, first sync")
        sync(clients["kader"], "kader, nothing changed", phone=kader_phone)
        one_change(bidan, posyandu[0])
        sync(clients["kader"], "kader, after one mother's edit", phone=kader_phone)
        sync(clients["bidan"], "bidan with 2 posyandu, after one mother's edit", phone=bidan_phone)
        replay(clients["bidan"], bidan)


if __name__ == "__main__":
    main()
