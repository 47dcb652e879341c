"""``laktasi leaflet``: the participant leaflet as PDF, with a local footer."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from laktasi.core.exporting import export
from laktasi.materials.exports import LEAFLET
from laktasi.materials.leaflet import FORMATS, LeafletError, LeafletFooter
from laktasi.materials.selectors import guide_page_url, program_leaflet_footer
from laktasi.places.models import Facility
from laktasi.programs.models import Program


class Command(BaseCommand):
    help = (
        "Render the participant leaflet (PDF). The footer comes from --program (its facility, "
        "midwife, schedule, video or guide QR) or --facility, and the --midwife-* options."
    )

    def add_arguments(self, parser):
        parser.add_argument("--lang", choices=["id", "en"], default="id")
        parser.add_argument("--format", dest="fmt", choices=sorted(FORMATS), default="a4-trifold")
        parser.add_argument("--program", type=int, help="program id (footer from its facility)")
        parser.add_argument("--facility", type=int, help="facility id (without --program)")
        parser.add_argument("--midwife-name", default="")
        parser.add_argument("--midwife-phone", default="")
        parser.add_argument("-o", "--output", required=True, help="PDF file to write")

    def handle(self, *args, lang, fmt, program, facility, midwife_name, midwife_phone, output,
               **options):  # fmt: skip
        try:
            footer = self._footer(lang, program, facility, midwife_name, midwife_phone)
            _name, _type, data = export(LEAFLET, footer, fmt="pdf", lang=lang, layout=fmt)
        except LeafletError as exc:
            raise CommandError(str(exc)) from exc
        Path(output).write_bytes(data)
        self.stdout.write(f"leaflet {fmt} ({lang}) written to {output} ({len(data)} bytes)")

    @staticmethod
    def _footer(lang, program_pk, facility_pk, midwife_name, midwife_phone) -> LeafletFooter:
        if program_pk is not None:
            program = Program.objects.select_related("facility").filter(pk=program_pk).first()
            if program is None:
                raise CommandError(f"no program {program_pk}")
            return program_leaflet_footer(
                program=program, lang=lang, midwife_name=midwife_name, midwife_phone=midwife_phone
            )
        facility = None
        if facility_pk is not None:
            facility = Facility.objects.filter(pk=facility_pk).first()
            if facility is None:
                raise CommandError(f"no facility {facility_pk}")
        return LeafletFooter(
            facility_name=facility.name if facility else "",
            midwife_name=midwife_name,
            midwife_phone=midwife_phone or (facility.phone if facility else ""),
            posyandu_schedule=facility.schedule if facility else "",
            qr_url=guide_page_url(lang=lang),
        )
