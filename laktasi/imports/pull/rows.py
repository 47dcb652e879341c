"""A pulled job's table, with the notes its plan gets: submissions left out as not approved,
and submissions edited on the server after laktasi imported them."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as gettext_now

from laktasi.imports.importers.base import Plan
from laktasi.imports.models import ImportJob
from laktasi.imports.parsers import Table
from laktasi.imports.pull.models import PulledImport
from laktasi.instruments.models import Response


@dataclass
class PulledRows(Table):
    """A pulled job's table, with the notes :meth:`finish` adds to its plan."""

    pulled: PulledImport | None = None
    extra: list[str] = field(default_factory=list)

    def finish(self, plan: Plan) -> Plan:
        pulled = self.pulled
        notes = []
        if pulled.not_approved:
            notes.append(
                gettext_now(
                    "%(n)s submission(s) marked Not approved / Rejected on the server were "
                    "left out."
                )
                % {"n": pulled.not_approved}
            )
        if pulled.edited and not plan.updates:
            stored = Response.objects.filter(submission_uuid__in=pulled.edited).select_related(
                "mother"
            )
            shown = [f"{r.mother.identifier} ({r.timepoint})" for r in stored[:20]]
            if shown:
                notes.append(
                    gettext_now(
                        "%(n)s submission(s) were edited on the server after laktasi imported "
                        "them; laktasi keeps the imported answers. Correct these responses in "
                        "laktasi: %(list)s"
                    )
                    % {"n": stored.count(), "list": ", ".join(shown)}
                )
        plan.notes = notes + plan.notes
        return plan


def pulled_table(table: Table, job: ImportJob) -> Table:
    """Wrap a job's table with its pull notes, when the job was pulled from a server."""
    pulled = getattr(job, "pulled", None)
    if pulled is None:
        return table
    return PulledRows(
        header=table.header,
        header_row=table.header_row,
        rows=table.rows,
        notes=table.notes,
        pulled=pulled,
    )
