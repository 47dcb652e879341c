"""``laktasi fhir export|import``: generic FHIR R4 Bundles (not SATUSEHAT's shape; see
``laktasi satusehat``)."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from laktasi.api.fhir.export import bundle_build, exported_mothers
from laktasi.api.fhir.exports import KIND as FHIR_BUNDLE
from laktasi.api.fhir.importer import BundleImportError, bundle_import
from laktasi.api.fhir.validation import validate_bundle
from laktasi.core.exporting import export
from laktasi.mothers.models import Mother
from laktasi.places.models import Facility
from laktasi.privacy.models import AccessAction
from laktasi.privacy.services import access_log_record
from laktasi.programs.models import Program


class Command(BaseCommand):
    help = "Export a FHIR R4 Bundle (collection) or import one written by laktasi."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="write a Bundle")
        export.add_argument("--program", type=int, help="only this program's mothers (pk)")
        export.add_argument("--since", type=date.fromisoformat, help="changed since YYYY-MM-DD")
        export.add_argument("-o", "--output", default="-", help="file (default: stdout)")
        export.add_argument("--no-validate", action="store_true",
                            help="skip validation with fhir.resources")  # fmt: skip
        imp = sub.add_parser("import", help="read a Bundle written by laktasi")
        imp.add_argument("file", help="the Bundle JSON file")
        imp.add_argument("--facility", type=int, required=True,
                         help="target facility (pk): new mothers go there; matching stays "
                              "inside its network")  # fmt: skip
        imp.add_argument("--program", type=int, help="target program (pk) for the Bundle's Group")
        imp.add_argument("--dry-run", action="store_true",
                         help="validate and count, write nothing")  # fmt: skip

    def handle(self, *args, action: str, **options):
        if action == "export":
            self.export(options)
        else:
            self.load(options)

    def export(self, options) -> None:
        program = None
        if options.get("program") is not None:
            program = Program.objects.filter(pk=options["program"]).first()
            if program is None:
                raise CommandError(f"no program with id {options['program']}")
        bundle = bundle_build(program=program, since=options.get("since"))
        if not options.get("no_validate"):
            problems = validate_bundle(bundle)
            if problems:
                raise CommandError("invalid Bundle:\n" + "\n".join(problems[:20]))
        for mother in Mother.objects.filter(identifier__in=exported_mothers(bundle)):
            access_log_record(user=None, mother=mother, action=AccessAction.EXPORT_JSON,
                              channel="cli")  # fmt: skip
        _name, _type, content = export(FHIR_BUNDLE, bundle, fmt="json", indent=1)
        if options["output"] == "-":
            sys.stdout.write(content.decode("utf-8"))
        else:
            Path(options["output"]).write_bytes(content)
            self.stderr.write(f"{len(bundle['entry'])} resources written to {options['output']}")

    def load(self, options) -> None:
        facility = Facility.objects.filter(pk=options["facility"]).first()
        if facility is None:
            raise CommandError(f"no facility with id {options['facility']}")
        program = None
        if options.get("program") is not None:
            program = Program.objects.filter(pk=options["program"]).first()
            if program is None:
                raise CommandError(f"no program with id {options['program']}")
        try:
            bundle = json.loads(Path(options["file"]).read_text(encoding="utf-8"))
            counts = bundle_import(
                bundle=bundle, facility=facility, program=program, dry_run=options["dry_run"]
            )
        except (OSError, json.JSONDecodeError, BundleImportError) as exc:
            raise CommandError(str(exc)) from exc
        if options["dry_run"]:
            self.stdout.write("dry run: nothing was written")
        for name, n in counts.items():
            self.stdout.write(f"{name}: {n}")
