"""SIGKILL in the middle of a large commit: the database holds all of the file or none of it,
and running the import again finishes the job without duplicates."""

from __future__ import annotations

import csv
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from laktasi.instruments import registry

pytestmark = pytest.mark.slow
MOTHERS = 100
TIMEPOINTS = [("pre", ""), ("post", "")] + [("followup", str(n)) for n in range(1, 99)]
SETUP = textwrap.dedent(
    """
    from datetime import date
    from laktasi.mothers.services import mother_register
    from laktasi.places.models import Facility, Region
    r = {}
    for code, name, level, parent in [("35", "Jawa Timur", 1, None), ("35.23", "Tuban", 2, "35"),
                                      ("35.23.12", "Jenu", 3, "35.23"),
                                      ("35.23.12.2005", "Tasikharjo", 4, "35.23.12")]:
        r[code] = Region.objects.create(code=code, name=name, level=level, parent_id=parent)
    pk = Facility.objects.create(kind="puskesmas", name="Jenu", village=r["35.23.12.2005"])
    f = Facility.objects.create(kind="posyandu", name="Melati", village=r["35.23.12.2005"], puskesmas=pk)
    for i in range(MOTHERS_N):
        m = mother_register(registered_by=None, full_name=f"Ibu {i}", birth_date=date(1995, 1, 1),
                            village=r["35.23.12.2005"], facility=f, parity=1,
                            consent={"text_version": "1"})
        print(m.identifier)
    """
).replace("MOTHERS_N", str(MOTHERS))


def laktasi(env, *args, **kwargs):
    return subprocess.run([sys.executable, "-m", "laktasi", *args], env=env, check=True,
                          capture_output=True, text=True, timeout=600, **kwargs)  # fmt: skip


def count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("select count(*) from instruments_response").fetchone()[0]


def test_sigkill_mid_commit_leaves_all_or_nothing_and_rerun_completes(tmp_path):
    db = tmp_path / "kill.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(LAKTASI_SQLITE_PATH=str(db), LAKTASI_VAR_DIR=str(tmp_path / "var"),
               LAKTASI_MEDIA_ROOT=str(tmp_path / "media"), PYTHONUNBUFFERED="1")  # fmt: skip
    laktasi(env, "migrate", "-v0")
    output = laktasi(env, "shell", "-c", SETUP).stdout.split()
    identifiers = [w for w in output if re.fullmatch(r"LK-[A-Z2-7]{8}", w)]
    assert len(identifiers) == MOTHERS
    definition = registry.get("knowledge_test")
    rng = random.Random(7)
    big = tmp_path / "big.csv"
    with big.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["mother_id", "timepoint", "followup_number", *definition.item_ids, "_uuid"])
        for ident in identifiers:
            for tp, fu in TIMEPOINTS:
                answers = [rng.choice(["true", "false"]) for _ in definition.item_ids]
                w.writerow([ident, tp, fu, *answers, uuid.UUID(int=rng.getrandbits(128))])
    total = MOTHERS * len(TIMEPOINTS)

    child = subprocess.Popen([sys.executable, "-m", "laktasi", "import", str(big), "--lang", "en"],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    seen = b""
    done = 0
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        chunk = os.read(child.stderr.fileno(), 4096)
        if not chunk:
            break
        seen += chunk
        found = re.findall(rb"Committing:[^\r\n]*?(\d+)/(\d+) \[", seen)
        if found and int(found[-1][0]) >= 1000:
            done = int(found[-1][0])
            os.kill(child.pid, signal.SIGKILL)
            break
    child.wait(timeout=60)
    child.stderr.close()
    assert child.returncode == -signal.SIGKILL, seen[-500:]
    assert 0 < done < total, "the kill must land in the middle of the commit"
    assert count(db) == 0  # none of the file

    result = laktasi(env, "import", str(big), "--lang", "en", "--no-progress")
    assert (
        f"created {total} + updated 0 + skipped 0 + rejected 0 = rows read {total}" in result.stdout
    )
    assert count(db) == total
    result = laktasi(env, "import", str(big), "--lang", "en", "--no-progress")
    assert f"created 0 + updated 0 + skipped {total} + rejected 0" in result.stdout
    assert count(db) == total
