"""`laktasi backup` / `laktasi restore`: a restore into an empty database has the same rows."""

from __future__ import annotations

import gzip
import hashlib
import sqlite3
from io import StringIO

import psycopg
import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import CommandError, call_command
from django.db import connection

from laktasi.core.backups import (
    ENCRYPTED_MAGIC,
    SALT_BYTES,
    BackupError,
    derive_key,
    pack,
    unpack,
)
from laktasi.core.crypto import _fernet_key
from laktasi.mothers.services import mother_update

KEY = "backup-test-key"


def _fingerprint_sqlite(conn, tables) -> dict[str, tuple[int, str]]:
    result = {}
    for table in tables:
        columns = [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]
        expression = " || '|' || ".join(f'quote("{c}")' for c in columns)
        rows = sorted(r[0] for r in conn.execute(f'SELECT {expression} FROM "{table}"'))  # noqa: S608
        result[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return result


def _fingerprint_pg(cursor, tables) -> dict[str, tuple[int, str]]:
    result = {}
    for table in tables:
        cursor.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, chr(10) ORDER BY t::text), '')) FROM \"{table}\" t"  # noqa: S608, E501
        )
        count, digest = cursor.fetchone()
        result[table] = (count, digest)
    return result


@pytest.fixture
def data(transactional_db, world):
    mother_update(mother=world.mothers["melati"], address="Jl. Cadangan 1")  # a history row
    return world


def test_sqlite_backup_restores_every_row(data, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite run")
    backup = tmp_path / "b.gz.enc"
    call_command("backup", "--output", str(backup), "--key", KEY, stdout=StringIO())
    content = backup.read_bytes()
    assert not content.startswith(b"\x1f\x8b")
    assert b"Siti" not in content
    target = tmp_path / "restored.sqlite3"
    call_command(
        "restore",
        str(backup),
        "--key",
        KEY,
        "--into",
        str(target),
        stdout=StringIO(),
    )

    tables = connection.introspection.table_names()
    assert "mothers_historicalmother" in tables
    source = _fingerprint_sqlite(connection.connection, tables)
    restored_conn = sqlite3.connect(target)
    restored = _fingerprint_sqlite(restored_conn, tables)
    restored_conn.close()
    assert restored == source
    assert source["mothers_mother"][0] == 3


def test_restore_refuses_a_wrong_key(data, tmp_path):
    backup = tmp_path / "b.gz.enc"
    call_command("backup", "--output", str(backup), "--key", KEY, stdout=StringIO())
    with pytest.raises(CommandError, match="wrong key"):
        call_command("restore", str(backup), "--key", "nope", "--into", str(tmp_path / "x"))
    with pytest.raises(CommandError, match="encrypted"):
        call_command("restore", str(backup), "--into", str(tmp_path / "x"))


def test_restore_refuses_to_overwrite_a_database_without_yes(data, tmp_path):
    backup = tmp_path / "b.gz"
    call_command("backup", "--output", str(backup), "--unencrypted", stdout=StringIO())
    assert backup.read_bytes().startswith(b"\x1f\x8b")
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(backup))


def test_postgresql_backup_restores_every_row(data, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL run")
    backup = tmp_path / "b.gz.enc"
    call_command("backup", "--output", str(backup), "--key", KEY, stdout=StringIO())
    name = connection.settings_dict["NAME"] + "_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        call_command("restore", str(backup), "--key", KEY, "--into", name, stdout=StringIO())
        tables = connection.introspection.table_names()
        with connection.cursor() as cursor:
            source = _fingerprint_pg(cursor, tables)
        params = connection.get_connection_params()
        params["dbname"] = name
        params.pop("cursor_factory", None)
        params.pop("context", None)
        with psycopg.connect(**params) as other, other.cursor() as cursor:
            restored = _fingerprint_pg(cursor, tables)
        assert restored == source
        assert source["mothers_mother"][0] == 3
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_low_backup_without_a_key_is_refused_unless_unencrypted_outside_production(
    data, tmp_path, settings, monkeypatch
):
    monkeypatch.delenv("LAKTASI_BACKUP_KEY", raising=False)
    backup = tmp_path / "b.gz"
    with pytest.raises(CommandError, match="No key"):
        call_command("backup", "--output", str(backup), stdout=StringIO())
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="must be encrypted"):
        call_command("backup", "--output", str(backup), "--unencrypted", stdout=StringIO())
    assert not backup.exists()
    call_command("backup", "--output", str(backup), "--key", KEY, stdout=StringIO())
    assert backup.read_bytes().startswith(ENCRYPTED_MAGIC)


def test_low_backup_key_is_derived_with_a_salted_kdf():
    first, second = pack(b"SQLite data", key=KEY), pack(b"SQLite data", key=KEY)
    assert first.startswith(ENCRYPTED_MAGIC)
    assert second.startswith(ENCRYPTED_MAGIC)
    head = len(ENCRYPTED_MAGIC)
    salt = first[head : head + SALT_BYTES]
    assert salt != second[head : head + SALT_BYTES]  # a fresh salt per backup
    token = first[head + SALT_BYTES :]
    assert Fernet(derive_key(KEY, salt)).decrypt(token)  # scrypt(passphrase, salt)
    with pytest.raises(InvalidToken):
        Fernet(_fernet_key(KEY)).decrypt(token)  # not the old unsalted SHA-256
    assert unpack(first, key=KEY) == unpack(second, key=KEY) == b"SQLite data"


def test_low_backup_made_with_the_old_unsalted_key_still_restores():
    legacy = Fernet(_fernet_key(KEY)).encrypt(gzip.compress(b"old backup"))
    assert unpack(legacy, key=KEY) == b"old backup"
    with pytest.raises(BackupError, match="wrong key"):
        unpack(legacy, key="other")
