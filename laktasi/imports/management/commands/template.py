"""``laktasi template KIND``: write an import template (mothers, attendance, responses)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from laktasi.imports.exports import TEMPLATE_KINDS, template_render
from laktasi.instruments import registry


class Command(BaseCommand):
    help = "Write a laktasi spreadsheet template to fill in and import."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=TEMPLATE_KINDS)
        parser.add_argument("--instrument", default="", help="for responses, e.g. knowledge_test")
        parser.add_argument("-o", "--output", type=Path, help="file to write (.xlsx)")
        parser.add_argument("--lang", default="id", choices=["id", "en"])

    def handle(self, *args, **opts):
        if opts["kind"] == "responses" and not opts["instrument"]:
            raise CommandError(
                "--instrument is required for responses; one of: " + ", ".join(registry.load_all())
            )
        with translation.override(opts["lang"]):
            try:
                name, _type, content = template_render(opts["kind"], opts["instrument"])
            except registry.UnknownInstrumentError as exc:
                raise CommandError(str(exc)) from exc
        target = opts["output"] or Path(name)
        target.write_bytes(content)
        self.stdout.write(str(target))
