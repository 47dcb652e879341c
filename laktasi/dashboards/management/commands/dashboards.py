"""``laktasi dashboards refresh``: rebuild the pre-aggregated indicator snapshot (cron)."""

import time

from django.core.management.base import BaseCommand

from laktasi.followups.services import snapshot_refresh


class Command(BaseCommand):
    help = "Dashboard maintenance. 'refresh': rebuild the indicator snapshot for all facilities."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["refresh"])

    def handle(self, *args, action: str, **options):
        start = time.perf_counter()
        rows = snapshot_refresh()
        took = time.perf_counter() - start
        summary = ", ".join(f"{k} {v}" for k, v in rows.items())
        self.stdout.write(f"snapshot rows: {summary} ({took:.1f} s)")
