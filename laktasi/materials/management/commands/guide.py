"""``laktasi guide``: the facilitator's guide as PDF."""

from pathlib import Path

from django.core.management.base import BaseCommand

from laktasi.materials.guide import render_facilitator_guide


class Command(BaseCommand):
    help = "Render the facilitator's guide for a session (PDF, A4, numbered pages)."

    def add_arguments(self, parser):
        parser.add_argument("--lang", choices=["id", "en"], default="id")
        parser.add_argument("-o", "--output", required=True, help="PDF file to write")

    def handle(self, *args, lang, output, **options):
        data = render_facilitator_guide(lang=lang)
        Path(output).write_bytes(data)
        self.stdout.write(f"facilitator's guide ({lang}) written to {output} ({len(data)} bytes)")
