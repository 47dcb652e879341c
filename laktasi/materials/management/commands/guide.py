"""``laktasi guide``: the facilitator's guide as PDF."""

from pathlib import Path

from django.core.management.base import BaseCommand

from laktasi.core.exporting import export
from laktasi.materials.exports import GUIDE


class Command(BaseCommand):
    help = "Render the facilitator's guide for a session (PDF, A4, numbered pages)."

    def add_arguments(self, parser):
        parser.add_argument("--lang", choices=["id", "en"], default="id")
        parser.add_argument("-o", "--output", required=True, help="PDF file to write")

    def handle(self, *args, lang, output, **options):
        _name, _type, data = export(GUIDE, None, fmt="pdf", lang=lang)
        Path(output).write_bytes(data)
        self.stdout.write(f"facilitator's guide ({lang}) written to {output} ({len(data)} bytes)")
