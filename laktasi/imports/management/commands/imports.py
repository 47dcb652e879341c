"""``laktasi imports pull``: pull new and edited submissions from the programs' servers.

Meant for a scheduled job (cron): each server of each program (or of ``--program``) is
fetched, its submissions go through the same check and all-or-nothing commit as an uploaded
file, and re-running it changes nothing (submissions already imported are skipped). A server
that cannot be read is reported and the others are still pulled; the exit status is then 1.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from laktasi.imports.models import ImportStatus
from laktasi.imports.pull.clients import PullError
from laktasi.imports.pull.models import ServerSource
from laktasi.imports.pull.services import source_pull
from laktasi.imports.services import importjob_commit, importjob_preview

MAX_SHOWN = 20  # rejected rows listed per server (the job keeps the first 1,000)


class Command(BaseCommand):
    help = "Pull submissions from the programs' KoboToolbox / ODK Central servers."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        pull = sub.add_parser("pull", help="fetch and import every server's submissions")
        pull.add_argument("--program", type=int, help="only this program (pk)")
        pull.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        pull.add_argument("--valid-only", action="store_true", help="import the valid rows")
        pull.add_argument("--lang", default="id", choices=["id", "en"])

    def handle(self, *args, **opts):
        with translation.override(opts["lang"]):
            failed = self._pull(opts)
        if failed:
            raise CommandError(_("%(n)s server(s) could not be pulled.") % {"n": failed})

    def _pull(self, opts) -> int:
        sources = ServerSource.objects.select_related("program").order_by("program", "pk")
        if opts["program"]:
            sources = sources.filter(program_id=opts["program"])
        failed = 0
        for source in sources:
            label = f"{source.program} · {source.get_kind_display()} {source.host} {source.form_id}"
            self.stdout.write(label)
            try:
                job = source_pull(source=source, user=None)
                plan = (
                    importjob_preview(job=job)
                    if opts["dry_run"]
                    else importjob_commit(job=job, valid_only=opts["valid_only"])
                )
            except PullError as exc:
                failed += 1
                self.stderr.write("  " + exc.render())
                continue
            except ValidationError as exc:
                self.stdout.write("  " + " ".join(exc.messages))
                continue
            job.refresh_from_db()
            for note in job.notes:
                self.stdout.write("  " + note)
            for error in job.errors[:MAX_SHOWN]:
                value = f" «{error['value']}»" if error.get("value") else ""
                self.stdout.write(
                    "  "
                    + _("row %(row)s, column %(column)s%(value)s: %(message)s")
                    % {
                        "row": error["row"],
                        "column": error["column"] or "-",
                        "value": value,
                        "message": error["message"],
                    }  # fmt: skip
                )
            self.stdout.write(
                "  "
                + _(
                    "created %(created)s + updated %(updated)s + skipped %(skipped)s + "
                    "rejected %(rejected)s = rows read %(rows_read)s"
                )
                % plan.counts
                + f" ({job.get_status_display()})"
            )
            if job.status in (ImportStatus.REFUSED, ImportStatus.FAILED):
                failed += 1
        return failed
