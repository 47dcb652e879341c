"""``laktasi serve``: migrate, collect static files and serve with waitress."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand
from waitress import serve

from laktasi.wsgi import application


class Command(BaseCommand):
    help = "Apply migrations, collect static files and serve laktasi with waitress."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--no-migrate", action="store_true", help="Do not apply migrations first."
        )

    def handle(self, *args, host: str, port: int, threads: int, no_migrate: bool, **options):
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"laktasi: serving on http://{host}:{port}/ (Ctrl+C to stop)")
        serve(application, host=host, port=port, threads=threads, ident="laktasi")
