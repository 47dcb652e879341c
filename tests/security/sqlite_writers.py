"""Concurrent writers against a real SQLite file (run by test_sqlite_concurrency.py).

    LAKTASI_VAR_DIR=/tmp/x python tests/security/sqlite_writers.py THREADS SECONDS

Prints one JSON line: the PRAGMAs a connection really got, writes done, errors by kind.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from datetime import date

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laktasi.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402

from laktasi.mothers.services import consent_record, mother_register, mother_update  # noqa: E402
from laktasi.places.models import Facility, FacilityKind, Region  # noqa: E402


def main(threads: int, seconds: float) -> dict:
    call_command("migrate", verbosity=0)
    village = Region.objects.create(code="35.23.12.2005", name="Tasikharjo", level=4)
    facility = Facility.objects.create(kind=FacilityKind.POSYANDU, name="Melati", village=village)
    with connection.cursor() as cursor:
        pragmas = {}
        for name in ("journal_mode", "busy_timeout", "foreign_keys", "synchronous"):
            cursor.execute(f"PRAGMA {name}")
            pragmas[name] = cursor.fetchone()[0]
    connection.close()
    writes, errors = [0] * threads, []
    stop = time.monotonic() + seconds

    def writer(index: int) -> None:
        n = 0
        try:
            while time.monotonic() < stop:
                try:
                    mother = mother_register(
                        registered_by=None,
                        full_name=f"Ibu {index}-{n}",
                        birth_date=date(1995, 1, 1),
                        village=village,
                        facility=facility,
                        parity=1,
                        baby={"birth_date": date(2025, 1, 1), "sex": "F"},
                        consent={"text_version": "1"},
                    )
                    mother_update(mother=mother, address=f"RT {n}")
                    consent_record(mother=mother, recorded_by=None, text_version="2")
                    writes[index] += 1
                except Exception as exc:  # noqa: BLE001  (counted and reported)
                    errors.append(f"{type(exc).__name__}: {exc}")
                n += 1
        finally:
            connections.close_all()

    pool = [threading.Thread(target=writer, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return {
        "pragmas": pragmas,
        "writes": sum(writes),
        "errors": errors[:5],
        "n_errors": len(errors),
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), float(sys.argv[2]))))  # noqa: T201
