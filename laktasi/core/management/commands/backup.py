"""``laktasi backup``: a consistent online backup, gzip-compressed, optionally encrypted.

    laktasi backup [--output FILE] [--key KEY]      (or LAKTASI_BACKUP_KEY in the environment)

Run it from cron (e.g. nightly) and copy the file off the server; see laktasi.core.backups.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from laktasi.core.backups import BackupError, backup_write


class Command(BaseCommand):
    help = "Back up the database (SQLite online backup or pg_dump), gzip, optionally encrypted."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="file to write (default: var/backups/...)")
        parser.add_argument(
            "--key", help="encrypt with this key (default: LAKTASI_BACKUP_KEY if set)"
        )

    def handle(self, *args, output=None, key=None, **options):
        key = key or os.environ.get("LAKTASI_BACKUP_KEY") or None
        if output:
            path = Path(output)
        else:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            suffix = ".gz.enc" if key else ".gz"
            path = settings.VAR_DIR / "backups" / f"laktasi-{connection.vendor}-{stamp}{suffix}"
        try:
            backup_write(path, key=key)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        encrypted = "encrypted" if key else "not encrypted"
        self.stdout.write(f"{path} ({path.stat().st_size} bytes, {encrypted})")
