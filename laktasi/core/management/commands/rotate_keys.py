"""``laktasi rotate_keys``: re-encrypt every encrypted column with the first key.

Rotation: put the new key first in LAKTASI_FIELD_KEYS (keep the old ones after it), run
this command, then remove the old keys. Every model is covered, history tables included,
because the command looks for EncryptedCharField columns itself.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from laktasi.core import crypto


def encrypted_columns() -> list[tuple[str, str, str]]:
    """(table, primary-key column, encrypted column) of every encrypted field."""
    columns = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, crypto.EncryptedCharField):
                columns.append((model._meta.db_table, model._meta.pk.column, field.column))
    return sorted(set(columns))


def rotate_all(batch: int = 500) -> dict[str, int]:
    """Re-encrypt all values; returns the number of values per table.column."""
    quote = connection.ops.quote_name
    counts: dict[str, int] = {}
    for table, pk, column in encrypted_columns():
        done = 0
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote(pk)}, {quote(column)} FROM {quote(table)} "  # noqa: S608
                f"WHERE {quote(column)} IS NOT NULL AND {quote(column)} <> ''"
            )
            rows = cursor.fetchall()
            update = f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE {quote(pk)} = %s"  # noqa: S608
            for start in range(0, len(rows), batch):
                chunk = rows[start : start + batch]
                cursor.executemany(update, [(crypto.rotate(value), key) for key, value in chunk])
                done += len(chunk)
        counts[f"{table}.{column}"] = done
    return counts


class Command(BaseCommand):
    help = "Re-encrypt every encrypted column (NIK, phones, their history) with the first key."

    def handle(self, *args, **options):
        counts = rotate_all()
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count} re-encrypted")
        self.stdout.write(f"done: {sum(counts.values())} values re-encrypted with the first key")
