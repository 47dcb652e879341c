"""``laktasi demo``: load the demo program, mothers and users (idempotent)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from laktasi.demo.loader import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Load the demo: the article's program in Desa Tasikharjo, with demo users."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("The demo cannot be loaded in production mode.")
        result = demo_load()
        created = ", ".join(f"{n} {k}" for k, n in sorted(result.created.items())) or "nothing"
        self.stdout.write(f"demo: created {created} (already present records kept)")
        self.stdout.write(f"demo logins (password for all: {DEMO_PASSWORD}):")
        for username in result.users:
            self.stdout.write(f"  {username}")
