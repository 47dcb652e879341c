"""``laktasi import FILE``: preview (``--dry-run``) or commit a CSV/XLSX import."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from tqdm import tqdm

from laktasi.accounts.models import User
from laktasi.imports.exports import rejected_rows_render
from laktasi.imports.importers.base import Plan
from laktasi.imports.mapping.cli import cli_mapping, cli_suggestion
from laktasi.imports.mapping.services import mapped_import_create
from laktasi.imports.models import ImportStatus
from laktasi.imports.services import (
    AUTO,
    IMPORTERS,
    importjob_accept_incomplete,
    importjob_commit,
    importjob_create,
    importjob_preview,
    preview_notes,
)
from laktasi.places.models import Facility
from laktasi.programs.models import Program


class Command(BaseCommand):
    help = "Import a KoboToolbox/ODK export or a laktasi template (CSV or XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--kind", default=AUTO, choices=[AUTO, *IMPORTERS])
        parser.add_argument("--program", type=int, help="program id (pk)")
        parser.add_argument("--facility", type=int, help="facility id (pk), for mothers")
        parser.add_argument("--instrument", default="", help="instrument id, e.g. knowledge_test")
        parser.add_argument("--instrument-version", default="")
        parser.add_argument("--user", default="", help="import as this user (scoped)")
        parser.add_argument("--dry-run", action="store_true", help="preview only, write nothing")
        parser.add_argument(
            "--valid-only",
            action="store_true",
            help="write the valid rows even when some rows are rejected",
        )
        parser.add_argument(
            "--accept-incomplete",
            action="store_true",
            help="when questions are missing from the file, store the responses without them "
            "and without score or category (otherwise nothing is imported)",
        )
        parser.add_argument("--rejected-out", type=Path, help="write rejected rows to this .xlsx")
        parser.add_argument(
            "--mapping",
            default="",
            help="read the file through a column mapping: a saved mapping's id, or a .json file",
        )
        parser.add_argument(
            "--suggest-mapping",
            action="store_true",
            help="print the suggested column mapping as JSON (edit it, then pass --mapping)",
        )
        parser.add_argument("--lang", default="id", choices=["id", "en"])
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **opts):
        with translation.override(opts["lang"]):
            return self._handle(opts)

    def _handle(self, opts):
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": path})
        user = None
        if opts["user"]:
            user = User.objects.filter(username=opts["user"]).first()
            if user is None:
                raise CommandError(_("Unknown user %(name)s.") % {"name": opts["user"]})
        program = Program.objects.filter(pk=opts["program"]).first() if opts["program"] else None
        facility = (
            Facility.objects.filter(pk=opts["facility"]).first() if opts["facility"] else None
        )
        if opts["program"] and program is None:
            raise CommandError(_("Unknown program %(pk)s.") % {"pk": opts["program"]})
        if opts["facility"] and facility is None:
            raise CommandError(_("Unknown facility %(pk)s.") % {"pk": opts["facility"]})
        if opts["suggest_mapping"] or opts["mapping"]:
            return self._mapped(path, user, program, opts)
        try:
            job = importjob_create(
                path=path,
                file_name=path.name,
                user=user,
                kind=opts["kind"],
                program=program,
                facility=facility,
                instrument_id=opts["instrument"],
                instrument_version=opts["instrument_version"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self._run(job, opts)

    def _mapped(self, path, user, program, opts):
        if opts["suggest_mapping"]:
            self.stdout.write(
                json.dumps(cli_suggestion(path, program), ensure_ascii=False, indent=1)
            )
            return
        if program is None:
            raise CommandError(
                _("A mapped import needs --program (mappings are kept per program).")
            )
        try:
            spec = cli_mapping(opts["mapping"], program)
            job = mapped_import_create(
                path=path, file_name=path.name, user=user, program=program, spec=spec
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self._run(job, opts)

    def _run(self, job, opts):
        if opts["dry_run"]:
            plan = importjob_preview(job=job)
            self._report(plan, _("Preview (nothing written)"))
            self._rejected(job, opts)
            return
        if opts["accept_incomplete"]:
            importjob_accept_incomplete(job=job, accept=True)
        bar: list[tqdm] = []

        def on_plan(plan: Plan) -> None:
            self._report(plan, _("Checked"), totals=False)
            bar.append(
                tqdm(
                    total=len(plan.creates) + len(plan.updates),
                    desc=_("Committing"),
                    unit=_("rows"),
                    disable=opts["no_progress"],
                    file=sys.stderr,
                    mininterval=0,
                    miniters=1,
                )
            )

        try:
            plan = importjob_commit(
                job=job,
                valid_only=opts["valid_only"],
                progress=lambda n: bar[0].update(n),
                on_plan=on_plan,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        finally:
            for b in bar:
                b.close()
        job.refresh_from_db()
        self._rejected(job, opts)
        self._totals(plan, job.get_status_display())
        if job.status == ImportStatus.REFUSED and not plan.rejected:
            raise CommandError(
                _(
                    "Nothing was imported: questions are missing from the file (%(names)s). "
                    "Export again with every question, or use --accept-incomplete to store the "
                    "responses without them and without score or category."
                )
                % {"names": ", ".join(plan.missing_items)}
            )
        if job.status == ImportStatus.REFUSED:
            raise CommandError(
                _(
                    "Nothing was imported because %(n)s rows were rejected; fix them, or use "
                    "--valid-only to import the valid rows."
                )
                % {"n": plan.rejected}
            )
        if job.status == ImportStatus.FAILED:
            raise CommandError(plan.file_error)

    def _report(self, plan: Plan, title: str, totals: bool = True) -> None:
        out = self.stdout
        out.write(title)
        if plan.instrument_id:
            out.write(
                _("Instrument: %(id)s v%(version)s")
                % {"id": plan.instrument_id, "version": plan.instrument_version}
            )
        if plan.file_error:
            out.write(_("File problem: %(msg)s") % {"msg": plan.file_error})
        for note in plan.notes + preview_notes(plan):
            out.write(note)
        shown = 0
        for e in plan.errors:
            if plan.file_error and e.message == plan.file_error:
                continue
            shown += 1
            if shown > 200:
                out.write(_("… and more; see the rejected-rows spreadsheet (--rejected-out)."))
                break
            value = f" «{e.value}»" if e.value else ""
            out.write(
                _("row %(row)s, column %(column)s%(value)s: %(message)s")
                % {"row": e.row, "column": e.column or "-", "value": value, "message": e.message}
            )
        if totals:
            self._totals(plan, "")

    def _totals(self, plan: Plan, status: str) -> None:
        c = plan.counts
        self.stdout.write(
            _(
                "created %(created)s + updated %(updated)s + skipped %(skipped)s + rejected "
                "%(rejected)s = rows read %(rows_read)s"
            )
            % c
            + (f" ({status})" if status else "")
        )

    def _rejected(self, job, opts) -> None:
        target = opts.get("rejected_out")
        if target and job.rejected:
            _name, _type, content = rejected_rows_render(job)
            target.write_bytes(content)
            self.stdout.write(_("Rejected rows written to %(path)s") % {"path": target})
