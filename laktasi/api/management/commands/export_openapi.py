"""Write the API's OpenAPI schema to openapi/schema.json, or check that it is up to date."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from laktasi.api.api import api

DEFAULT_PATH = Path(settings.BASE_DIR) / "openapi" / "schema.json"


def schema_text() -> str:
    """The schema as deterministic JSON: sorted keys, two-space indent, final newline."""
    return json.dumps(api.get_openapi_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = "Write openapi/schema.json from the code; --check fails when it differs."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="fail if the file differs")
        parser.add_argument("-o", "--output", default=str(DEFAULT_PATH), help="schema file")

    def handle(self, *args, check: bool, output: str, **options):
        path = Path(output)
        text = schema_text()
        if check:
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current != text:
                raise CommandError(
                    f"{path} is out of date with the API code: run `laktasi export_openapi`."
                )
            self.stdout.write(f"{path} is up to date.")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {path}.")
