"""Load benchmark: 50 cadres for 3 minutes against `laktasi serve`, on SQLite and PostgreSQL.

    python bench/bench_load.py [--users 50] [--minutes 3] [--db sqlite,postgresql]

For each database: a fresh database with the demo and 50 cadre accounts of Posyandu Melati,
`laktasi serve` on a free port of 127.0.0.1, then headless locust (bench/locustfile.py).
Users arrive 2 per second and think 5-15 s between requests (LAKTASI_BENCH_WAIT).
Prints requests, errors, median and p95 per request kind, the p95 of all requests and of all
but the logins (Argon2 makes a login deliberately cost about 0.2 s of CPU), and the ratio of
the p95 to the 300 ms target. Not part of CI: it takes about 4 minutes per database.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pgserver import postgres_server  # noqa: E402

PY = sys.executable
TARGET_P95_MS = 300
PASSWORD = "bench-password-123"  # noqa: S105  (throwaway accounts in a temporary database)

SETUP = """
import os
from laktasi.accounts.models import Role, User
from laktasi.places.models import Facility
melati = Facility.objects.get(name__icontains="Melati")
for i in range(1, int(os.environ["BENCH_USERS"]) + 1):
    user, _ = User.objects.get_or_create(username=f"bench-kader-{i:02d}", role=Role.CADRE)
    user.set_password(os.environ["LAKTASI_BENCH_PASSWORD"])
    user.save()
    melati.staff.add(user)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def laktasi(env: dict, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([PY, "-m", "laktasi", *args], env=env, check=True, **kwargs)


def wait_up(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310  (127.0.0.1 only)
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("server did not start")


def run_one(db: str, env: dict, args: argparse.Namespace, workdir: Path) -> dict:
    users, minutes = args.users, args.minutes
    print(f"[{db}] migrate + demo + {users} cadres ...", flush=True)
    laktasi(env, "migrate", "-v0")
    laktasi(env, "demo", stdout=subprocess.DEVNULL)
    setup_env = {**env, "BENCH_USERS": str(users), "LAKTASI_BENCH_PASSWORD": PASSWORD}
    laktasi(setup_env, "shell", "-c", SETUP, stdout=subprocess.DEVNULL)
    port = free_port()
    server_log = (workdir / f"{db}-server.log").open("w")
    server = subprocess.Popen(
        [PY, "-m", "laktasi", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--threads", str(args.threads), "--workers", str(args.workers), "--no-migrate"],
        env=env, stdout=subprocess.DEVNULL, stderr=server_log,
    )  # fmt: skip
    try:
        wait_up(f"http://127.0.0.1:{port}/masuk/")
        prefix = workdir / db
        subprocess.run(
            [PY, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
             "-u", str(users), "-r", "2", "-t", f"{int(minutes * 60)}s",
             "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary",
             "--loglevel", "WARNING", "--stop-timeout", "10"],
            env={**env, "LAKTASI_BENCH_PASSWORD": PASSWORD}, check=False,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)
        server_log.close()
    with open(f"{prefix}_stats.csv") as handle:
        rows = list(csv.DictReader(handle))
    return {row["Name"]: row for row in rows}


def report(db: str, stats: dict, args: argparse.Namespace) -> bool:
    print(
        f"\n{db}: {args.users} cadres, {args.minutes:g} min, laktasi serve --workers "
        f"{args.workers} --threads {args.threads}"
    )
    print("  request kind                  count  fails  median ms  p95 ms")
    for name, row in stats.items():
        print(
            f"  {name:<28} {row['Request Count']:>6} {row['Failure Count']:>6}"
            f" {row['Median Response Time']:>10} {row['95%']:>7}"
        )
    total = stats["Aggregated"]
    p95 = float(total["95%"])
    fails = int(total["Failure Count"])
    rps = float(total["Requests/s"])
    ok = fails == 0 and p95 < TARGET_P95_MS
    print(
        f"{db}: {total['Request Count']} requests, {rps:.1f}/s, {fails} errors, "
        f"p95 {p95:.0f} ms = {p95 / TARGET_P95_MS:.2f} x the {TARGET_P95_MS} ms target "
        f"-> {'OK' if ok else 'MISSED'}"
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    if shutil.which("locust") is None and not (Path(PY).parent / "locust").exists():
        print("locust is not installed: pip install -e '.[bench]'")
        return 1
    base_env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    results = []
    for db in args.db.split(","):
        with tempfile.TemporaryDirectory(prefix="laktasi-load-") as tmp:
            workdir = Path(tmp)
            env = {**base_env, "LAKTASI_VAR_DIR": str(workdir / "var"), "LAKTASI_MODE": "dev"}
            if db == "sqlite":
                results.append(report(db, run_one(db, env, args, workdir), args))
            else:
                with postgres_server() as url:
                    env["DATABASE_URL"] = url
                    stats = run_one(db, env, args, workdir)
                    results.append(report(db, stats, args))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
