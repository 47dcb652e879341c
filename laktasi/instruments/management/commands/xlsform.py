"""``laktasi xlsform INSTRUMENT [--version V] [-o FILE.xlsx]``: write an XLSForm for ODK/Kobo."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from laktasi.core.exporting import export
from laktasi.instruments import registry
from laktasi.instruments.exports import XLSFORM
from laktasi.instruments.xlsform import LANGUAGE_NAMES


class Command(BaseCommand):
    help = (
        "Write an instrument definition as an XLSForm (.xlsx) for ODK Collect / KoboToolbox. "
        "Default output: laktasi_<id>_v<version>.xlsx in the current directory."
    )
    requires_system_checks: list[str] = []

    def create_parser(self, prog_name, subcommand, **kwargs):
        # Our --version (instrument version) replaces Django's --version (Django's own).
        kwargs.setdefault("conflict_handler", "resolve")
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("instrument", help="instrument id, e.g. knowledge_test")
        parser.add_argument("--version", dest="instrument_version", help="default: latest")
        parser.add_argument("-o", "--output", help="output .xlsx file")
        parser.add_argument(
            "--lang",
            action="append",
            choices=sorted(LANGUAGE_NAMES),
            help="form language(s), first = default; repeatable (default: id then en)",
        )

    def handle(self, *args, **options):
        try:
            definition = registry.get(options["instrument"], options["instrument_version"])
        except registry.UnknownInstrumentError as exc:
            raise CommandError(f"{exc}") from exc
        except registry.InstrumentDefinitionError as exc:
            raise CommandError(f"broken definition: {exc}") from exc
        langs = tuple(options["lang"] or ("id", "en"))
        name, _type, content = export(XLSFORM, definition, fmt="xlsx", langs=langs)
        output = Path(options["output"] or name)
        output.write_bytes(content)
        self.stdout.write(f"{definition.id} v{definition.version} -> {output}")
