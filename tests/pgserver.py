"""Run a command against a throwaway PostgreSQL server started from the machine's binaries.

    python tests/pgserver.py -- pytest ...

initdb + pg_ctl in a temporary directory, listening only on a Unix socket and 127.0.0.1 on a
free port; DATABASE_URL is set for the command; the server is stopped and removed afterwards.
PostgreSQL refuses to run as root, so as root the server runs as the ``postgres`` user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path


def find_bindir() -> Path | None:
    """The newest PostgreSQL bin directory with initdb, or None."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if candidates:
        return Path(candidates[0]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def postgres_server():
    """Start a temporary server; yield its DATABASE_URL (database ``laktasi``)."""
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL binaries (initdb, pg_ctl) not found")
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    if as_root:
        pwd.getpwnam("postgres")  # KeyError names the problem when the user is missing
    base = Path(tempfile.mkdtemp(prefix="laktasi-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    if as_root:
        shutil.chown(base, "postgres")
        shutil.chown(sock, "postgres")
    port = _free_port()
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.STDOUT}
    subprocess.run(
        [*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "laktasi", "-A", "trust",
         "-E", "UTF8", "--locale=C.UTF-8"], check=True, **quiet)  # fmt: skip
    options = (
        f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    subprocess.run(
        [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-l",
         str(base / "log"), "start"], check=True, **quiet)  # fmt: skip
    try:
        subprocess.run(
            [str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "laktasi",
             "laktasi"], check=True, **quiet)  # fmt: skip
        yield f"postgres://laktasi@127.0.0.1:{port}/laktasi"
    finally:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            **quiet,
        )
        shutil.rmtree(base, ignore_errors=True)


def main(argv: list[str]) -> int:
    if "--" in argv:
        argv = argv[argv.index("--") + 1 :]
    if not argv:
        print("usage: pgserver.py -- COMMAND ...", file=sys.stderr)  # noqa: T201
        return 2
    with postgres_server() as url:
        env = {**os.environ, "DATABASE_URL": url}
        return subprocess.call(argv, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
