"""``laktasi restore FILE``: restore a backup made by ``laktasi backup``.

    laktasi restore FILE [--key KEY] [--yes]

Restores into the configured database (DATABASE_URL or the SQLite file). Stop the server
first. A database that already has tables is replaced only with --yes.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from laktasi.core.backups import (
    BackupError,
    backup_kind,
    restore_postgres,
    restore_sqlite,
    unpack,
)


class Command(BaseCommand):
    help = "Restore a backup made by `laktasi backup` into the configured database."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--key", help="the backup's key (default: LAKTASI_BACKUP_KEY)")
        parser.add_argument("--yes", action="store_true", help="replace a non-empty database")
        parser.add_argument(
            "--into",
            help="restore elsewhere to check a backup: a SQLite file, or the name of an empty "
            "PostgreSQL database on the same server",
        )

    def handle(self, *args, file, key=None, yes=False, into=None, **options):
        key = key or os.environ.get("LAKTASI_BACKUP_KEY") or None
        try:
            raw = unpack(Path(file).read_bytes(), key=key)
            kind = backup_kind(raw)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        if kind != connection.vendor:
            raise CommandError(f"this is a {kind} backup; the database is {connection.vendor}")
        settings_dict = dict(connection.settings_dict)
        if into:
            settings_dict["NAME"] = into
        else:
            if connection.introspection.table_names() and not yes:
                raise CommandError("The database is not empty: add --yes to replace it.")
            connection.close()
        try:
            if kind == "sqlite":
                restore_sqlite(raw, Path(settings_dict["NAME"]))
            else:
                restore_postgres(raw, settings_dict)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored {file} into the {kind} database {settings_dict['NAME']}")
