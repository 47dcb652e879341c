"""`laktasi rotate_keys` re-encrypts every encrypted column, history tables included."""

from __future__ import annotations

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from laktasi.core import crypto
from laktasi.core.management.commands.rotate_keys import encrypted_columns
from laktasi.mothers.models import Companion, Mother

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()


def _raw(table: str, column: str) -> list[str]:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote(column)} FROM {quote(table)} ORDER BY 1")  # noqa: S608
        return [row[0] for row in cursor.fetchall() if row[0]]


def test_every_encrypted_column_is_found_including_history():
    tables = {(table, column) for table, _, column in encrypted_columns()}
    assert ("mothers_mother", "nik") in tables
    assert ("mothers_historicalmother", "phone") in tables
    assert ("mothers_companion", "phone") in tables


def test_rotation_reencrypts_with_the_first_key(world, settings):
    old = settings.FIELD_ENCRYPTION_KEYS[0]  # the world was encrypted with it
    before = _raw("mothers_historicalmother", "phone")
    settings.FIELD_ENCRYPTION_KEYS = [NEW, old]
    call_command("rotate_keys", stdout=StringIO())
    settings.FIELD_ENCRYPTION_KEYS = [NEW]  # the old key is gone now
    assert Mother.objects.get(pk=world.mothers["melati"].pk).nik == "3523120101950001"
    assert {c.phone for c in Companion.objects.all()} == {"08129999999"}
    after = _raw("mothers_historicalmother", "phone")
    assert len(after) == len(before)
    assert not set(after) & set(before)
    assert {crypto.decrypt(token) for token in after} == {"081234567890"}


def test_a_value_encrypted_with_an_unknown_key_is_an_error(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    token = crypto.encrypt("081234567890")
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    with pytest.raises(ValueError, match="cannot be decrypted with the configured keys"):
        crypto.decrypt(token)
