"""A pulled job's table, with the note its plan gets on submissions left out as not approved.
Submissions edited on the server are updates of their response (the responses importer
applies them with history and lists them in the preview)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as gettext_now

from laktasi.imports.importers.base import Plan
from laktasi.imports.models import ImportJob
from laktasi.imports.parsers import Table
from laktasi.imports.pull.models import PulledImport


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
