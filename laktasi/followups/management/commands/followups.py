"""``laktasi followups refresh``: create or update every baby's visit schedule (cron-safe)."""

from django.core.management.base import BaseCommand

from laktasi.followups.services import schedules_refresh, snapshot_refresh


class Command(BaseCommand):
    help = "Follow-up maintenance. 'refresh': create/update visit schedules for all babies."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["refresh"])
        parser.add_argument(
            "--no-snapshot", action="store_true", help="do not rebuild the indicator snapshot"
        )

    def handle(self, *args, action: str, no_snapshot: bool = False, **options):
        totals = schedules_refresh()
        self.stdout.write(
            f"babies {totals['babies']}, visits created {totals['created']}, "
            f"updated {totals['updated']}"
        )
        if not no_snapshot:
            rows = snapshot_refresh()
            self.stdout.write("snapshot rows: " + ", ".join(f"{k} {v}" for k, v in rows.items()))
