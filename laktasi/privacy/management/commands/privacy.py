"""``laktasi privacy export|erase|restrict IDENTIFIER``: data-subject rights from the CLI.

Every use is written to the access log with channel ``cli``.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from laktasi.core.exporting import export
from laktasi.mothers.models import Mother
from laktasi.privacy.exports import KIND as SUBJECT_EXPORT
from laktasi.privacy.models import AccessAction
from laktasi.privacy.services import (
    access_log_record,
    mother_erase,
    mother_export,
    mother_restrict,
)


class Command(BaseCommand):
    help = "Export, restrict or erase one mother's personal data (by laktasi identifier)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "erase", "restrict"])
        parser.add_argument("identifier", help="the mother's laktasi identifier, e.g. LK-7QK2M4XA")
        parser.add_argument("--out", default=".", help="export: folder for the JSON and PDF")
        parser.add_argument("--lift", action="store_true", help="restrict: lift the restriction")
        parser.add_argument("--yes", action="store_true", help="erase: confirm; cannot be undone")

    def handle(self, *args, action, identifier, **options):
        try:
            mother = Mother.objects.get(identifier=identifier.strip().upper())
        except Mother.DoesNotExist as exc:
            raise CommandError(f"No mother with identifier {identifier!r}.") from exc
        if action == "export":
            self._export(mother, Path(options["out"]))
        elif action == "restrict":
            try:
                mother_restrict(mother=mother, by=None, lift=options["lift"], channel="cli")
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            state = "lifted" if options["lift"] else "restricted"
            self.stdout.write(f"{mother.identifier}: processing {state}")
        else:
            if not options["yes"]:
                raise CommandError("Erasure cannot be undone: add --yes to confirm.")
            try:
                touched = mother_erase(mother=mother, by=None, channel="cli")
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            total = sum(touched.values())
            self.stdout.write(f"{mother.identifier}: anonymised ({total} records touched)")

    def _export(self, mother: Mother, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        subject = mother_export(mother=mother)
        paths = []
        for fmt in ("json", "pdf"):
            name, _type, content = export(SUBJECT_EXPORT, subject, fmt=fmt)
            path = out / name
            path.write_bytes(content)
            path.chmod(0o600)
            paths.append(path)
        json_path, pdf_path = paths
        access_log_record(user=None, mother=mother, action=AccessAction.EXPORT_JSON, channel="cli")
        access_log_record(user=None, mother=mother, action=AccessAction.EXPORT_PDF, channel="cli")
        self.stdout.write(f"{json_path}\n{pdf_path}")
