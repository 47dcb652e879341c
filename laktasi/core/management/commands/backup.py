"""``laktasi backup``: a consistent online backup, gzip-compressed, optionally encrypted.

    laktasi backup [--output FILE] [--key KEY]      (or LAKTASI_BACKUP_KEY in the environment)
    laktasi backup --unencrypted                    (outside production only)

A backup holds every mother's data: without a key it is refused, unless ``--unencrypted`` is
given, which production mode refuses too.

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
        parser.add_argument(
            "--unencrypted",
            action="store_true",
            help="write a backup without encryption (refused in production mode)",
        )

    def handle(self, *args, output=None, key=None, unencrypted=False, **options):
        key = key or os.environ.get("LAKTASI_BACKUP_KEY") or None
        if not key and settings.PRODUCTION:
            raise CommandError(
                "In production a backup must be encrypted: set LAKTASI_BACKUP_KEY or give --key."
            )
        if not key and not unencrypted:
            raise CommandError(
                "No key: give --key or set LAKTASI_BACKUP_KEY (or --unencrypted, for a copy "
                "that holds every mother's data in clear)."
            )
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
