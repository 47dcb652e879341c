"""Offline field work: size of a phone's first sync, and time to send 100 queued visits.

    python bench/bench_offline.py

Builds a throwaway SQLite database (``LAKTASI_VAR_DIR``/``LAKTASI_SQLITE_PATH`` in a temporary
folder) with one puskesmas of 20 posyandu of 50 mothers each (each mother with a baby of 0 to
180 days and her visit schedule), a kader of one posyandu and the puskesmas's bidan. Then,
through ``django.test.Client`` (the whole Django stack, no network):

- first sync of the kader (50 mothers) and of the bidan (1,000 mothers): the /sinkron/ list,
  and the pages on it fetched as the phone does (the bidan's: every 5th, scaled; BIDAN_STEP=1
  for all): number of pages, bytes (uncompressed and
  gzip-compressed, what a phone downloads from a server that compresses) and server time;
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
from datetime import date, timedelta
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
    """One puskesmas, 20 posyandu of 50 mothers; returns (kader, bidan)."""
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
    for p in range(20):
        posyandu = Facility.objects.create(
            kind=FacilityKind.POSYANDU, name=f"Posyandu {p}", village=village, puskesmas=puskesmas
        )
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
    return kader, bidan


def first_sync(client, label: str, step: int = 1) -> None:
    """Fetch the sync list and its pages (every ``step``-th page, scaled up when step > 1)."""
    start = time.perf_counter()
    listing = client.get("/sinkron/")
    urls = listing.json()["urls"]
    raw = packed = 0
    sample = urls[::step]
    for url in sample:
        page = client.get(url)
        assert page.status_code == 200, url
        raw += len(page.content)
        packed += len(gzip.compress(page.content))
    scale = len(urls) / len(sample)
    raw = raw * scale + len(listing.content)
    packed = packed * scale + len(gzip.compress(listing.content))
    seconds = (time.perf_counter() - start) * scale
    note = f" (estimated from every {step}th page)" if step > 1 else ""
    print(
        f"{label}: {len(urls)} pages, {raw / 1e6:.2f} MB ({packed / 1e6:.2f} MB gzip), "
        f"{seconds:.0f} s server time{note}",
        flush=True,
    )


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

        start = time.perf_counter()
        kader, bidan = build_world()
        print(f"built 1,000 mothers in {time.perf_counter() - start:.0f} s", flush=True)
        for user, label, step in ((kader, "kader, 1 posyandu of 50 mothers", 1),
                                  (bidan, "bidan, 20 posyandu (1,000 mothers)", BIDAN_STEP)):  # fmt: skip
            client = Client()
            client.force_login(user)
            first_sync(client, label, step)
        client = Client()
        client.force_login(bidan)
        replay(client, bidan)


if __name__ == "__main__":
    main()
