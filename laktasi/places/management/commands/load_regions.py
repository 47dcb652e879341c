"""``laktasi load_regions``: load all Indonesian regions (idempotent)."""

import time

from django.core.management.base import BaseCommand, CommandError

from laktasi.places.services import RegionFileError, regions_load


class Command(BaseCommand):
    help = "Load or refresh all Indonesian administrative regions from the Kemendagri CSV."

    def add_arguments(self, parser):
        parser.add_argument("--file", help="CSV with columns code,name (default: shipped copy)")

    def handle(self, *args, file=None, **options):
        started = time.perf_counter()
        try:
            result = regions_load(path=file)
        except (RegionFileError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"regions: {result.read} read, {result.created} created, "
            f"{result.updated} updated, {result.unchanged} unchanged in {seconds:.1f} s"
        )
