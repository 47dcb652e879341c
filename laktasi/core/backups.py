"""Consistent online backups and restores of the database, gzip-compressed, optionally
encrypted (used by the ``backup`` and ``restore`` commands).

SQLite is copied with sqlite3's online backup API (a consistent snapshot while users keep
working); PostgreSQL with ``pg_dump --format=custom``. The file is gzip; with a key it is then
a Fernet token (AES-128-CBC + HMAC-SHA256), so a stolen backup is useless without the key and
any tampering is detected. Which database a backup holds is read from its first bytes.

The Fernet key is derived from the passphrase by scrypt (n=2^15, r=8, p=1) with a random
16-byte salt stored in the file's header (``LAKTASI-BACKUP-2``), so the same passphrase gives a
different key per backup and guessing it costs about 0.1 s and 32 MiB per try. Backups made
before (a Fernet token keyed by one unsalted SHA-256 of the passphrase) are still restored.
"""

from __future__ import annotations

import base64
import glob
import gzip
import hashlib
import os
import secrets
import shutil
import sqlite3
import subprocess  # noqa: S404  (pg_dump / pg_restore with fixed argument lists)
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from django.db import connection

from laktasi.core.crypto import _fernet_key

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
GZIP_MAGIC = b"\x1f\x8b"
ENCRYPTED_MAGIC = b"LAKTASI-BACKUP-2\n"
SALT_BYTES = 16
SCRYPT = {"n": 2**15, "r": 8, "p": 1, "maxmem": 64 * 1024 * 1024, "dklen": 32}


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


def pg_bindir() -> Path | None:
    """PostgreSQL client programs: LAKTASI_PG_BINDIR, else the newest installed, else PATH."""
    if os.environ.get("LAKTASI_PG_BINDIR"):
        return Path(os.environ["LAKTASI_PG_BINDIR"])
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"), reverse=True)
    if candidates:
        return Path(candidates[0]).parent
    found = shutil.which("pg_dump")
    return Path(found).resolve().parent if found else None


def _pg_env(settings_dict: dict) -> dict[str, str]:
    """libpq variables, so no password appears in a process list."""
    env = dict(os.environ)
    pairs = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
    }
    env.update({k: str(v) for k, v in pairs.items() if v})
    return env


def _pg_program(name: str) -> str:
    bindir = pg_bindir()
    program = bindir / name if bindir else None
    if program is None or not program.exists():
        raise BackupError(f"{name} not found; set LAKTASI_PG_BINDIR to PostgreSQL's bin folder")
    return str(program)


def dump_bytes() -> bytes:
    """The raw, uncompressed snapshot of the default database."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "snapshot.sqlite3"
            destination = sqlite3.connect(target)
            try:
                connection.connection.backup(destination)
            finally:
                destination.close()
            return target.read_bytes()
    if connection.vendor == "postgresql":
        result = subprocess.run(  # noqa: S603
            [_pg_program("pg_dump"), "--format=custom", "--compress=0", "--no-owner"],
            env=_pg_env(connection.settings_dict),
            capture_output=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(result.stderr.decode(errors="replace").strip())
        return result.stdout
    raise BackupError(f"backups of {connection.vendor} databases are not supported")


def derive_key(passphrase: str, salt: bytes) -> bytes:
    """The Fernet key of a passphrase and salt (scrypt)."""
    raw = hashlib.scrypt(passphrase.encode(), salt=salt, **SCRYPT)
    return base64.urlsafe_b64encode(raw)


def pack(raw: bytes, *, key: str | None) -> bytes:
    data = gzip.compress(raw, compresslevel=6, mtime=0)
    if not key:
        return data
    salt = secrets.token_bytes(SALT_BYTES)
    return ENCRYPTED_MAGIC + salt + Fernet(derive_key(key, salt)).encrypt(data)


def unpack(data: bytes, *, key: str | None) -> bytes:
    if not data.startswith(GZIP_MAGIC):
        if not key:
            raise BackupError(
                "this backup is encrypted: give its key (--key or LAKTASI_BACKUP_KEY)"
            )
        if data.startswith(ENCRYPTED_MAGIC):
            head = len(ENCRYPTED_MAGIC)
            salt, token = data[head : head + SALT_BYTES], data[head + SALT_BYTES :]
            fernet_key = derive_key(key, salt)
        else:  # a backup from before the salted format: unsalted SHA-256 of the passphrase
            token, fernet_key = data, _fernet_key(key)
        try:
            data = Fernet(fernet_key).decrypt(token)
        except InvalidToken as exc:
            raise BackupError("wrong key, or the backup file is damaged") from exc
    return gzip.decompress(data)


def backup_write(path: Path, *, key: str | None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    tmp.write_bytes(pack(dump_bytes(), key=key))
    tmp.chmod(0o600)
    tmp.replace(path)
    return path


def restore_sqlite(raw: bytes, target: Path) -> None:
    """Copy a snapshot into the SQLite file ``target`` through the backup API."""
    with tempfile.TemporaryDirectory() as tmp:
        source_path = Path(tmp) / "restore.sqlite3"
        source_path.write_bytes(raw)
        source = sqlite3.connect(source_path)
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)
        finally:
            source.close()
            destination.close()


def restore_postgres(raw: bytes, settings_dict: dict) -> None:
    result = subprocess.run(  # noqa: S603
        [
            _pg_program("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--dbname",
            str(settings_dict["NAME"]),
        ],
        input=raw,
        env=_pg_env(settings_dict),
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(result.stderr.decode(errors="replace").strip())


def backup_kind(raw: bytes) -> str:
    if raw.startswith(SQLITE_MAGIC):
        return "sqlite"
    if raw.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupError("not a laktasi backup (neither SQLite nor pg_dump)")
