"""The attendance template: which mothers came to which session of the import's program.

Rows name the mother (laktasi ID or NIK) and the session (``session_id``, or its date
dd/mm/yyyy when the program has one session that day), and whether the companion came.
(session, mother) is unique in the database, so a re-import is skipped, or counted as an
update when only ``companion_present`` changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laktasi.imports.importers.base import (
    MSG_MOTHER_NOT_FOUND,
    Context,
    Importer,
    Plan,
    Progress,
    cell,
    column_index,
    match_mothers,
    mother_ref,
    resolve,
)
from laktasi.imports.models import ImportKind
from laktasi.imports.parsers import (
    CellError,
    FileRejected,
    Table,
    parse_bool,
    parse_date,
    parse_int,
)
from laktasi.mothers.models import Mother
from laktasi.programs.models import Attendance, Session
from laktasi.programs.services import attendance_record

ALIASES = {
    "mother_id": "mother_id", "id_ibu": "mother_id", "id_laktasi": "mother_id", "nik": "nik",
    "session_date": "session_date", "tanggal_sesi": "session_date", "tanggal": "session_date",
    "session_id": "session_id", "id_sesi": "session_id",
    "companion_present": "companion_present", "pendamping_hadir": "companion_present",
}  # fmt: skip
MSG_NO_SESSION = _("The program has no session on this date.")
MSG_MANY_SESSIONS = _("The program has several sessions on this date; give the session_id.")
MSG_UNKNOWN_SESSION = _("No session with this number in the program.")
MSG_DUP = _("Another row of this file records the same mother at the same session.")


@dataclass
class AttendanceRow:
    row: int
    mother_pk: int
    session: Session
    companion_present: bool
    existing: Attendance | None = None


class AttendanceImporter(Importer):
    kind = ImportKind.ATTENDANCE

    def header_score(self, cells: list[str]) -> int:
        found = column_index(cells, ALIASES)
        has_mother = "mother_id" in found or "nik" in found
        has_session = "session_date" in found or "session_id" in found
        return len(found) if has_mother and has_session else 0

    def plan(self, table: Table, ctx: Context) -> Plan:
        plan = Plan(kind=self.kind, rows_read=len(table.rows))
        if ctx.program is None:
            raise FileRejected(_("Choose the program whose sessions these rows record."))
        cols = column_index(table.header, ALIASES)
        if not self.header_score(table.header):
            raise FileRejected(_("The file needs a mother_id or nik column and a session column."))
        name = {k: table.header[v] for k, v in cols.items()}
        parsed = self._parse_rows(table, ctx, cols, name, plan)
        found = match_mothers(ctx.user, (p[1] for p in parsed))
        existing = {
            (a.session_id, a.mother_id): a
            for a in Attendance.objects.filter(session__program=ctx.program)
        }
        seen: dict[tuple, bool] = {}
        for row, ref, session, present in parsed:
            pk = resolve(ref, found)
            if pk is None:
                column = name.get("mother_id") if ref.identifier else name.get("nik", "nik")
                plan.reject(row, column or "", ref.identifier or "NIK", str(MSG_MOTHER_NOT_FOUND))
                continue
            key = (session.pk, pk)
            if key in seen:
                if seen[key] == present:
                    plan.skip(pk)
                else:
                    plan.reject(row, column_or(name, "mother_id"), ref.identifier, str(MSG_DUP))
                continue
            seen[key] = present
            self._classify(AttendanceRow(row, pk, session, present, existing.get(key)), plan)
        return plan

    @staticmethod
    def _classify(item: AttendanceRow, plan: Plan) -> None:
        if item.existing is None:
            plan.creates.append(item)
        elif item.existing.companion_present != item.companion_present:
            plan.updates.append(item)
        else:
            plan.skip(item.mother_pk)

    def _parse_rows(self, table: Table, ctx: Context, cols, name, plan: Plan) -> list[tuple]:
        """(row, mother reference, session, companion present) of each row that reads."""
        sessions = list(Session.objects.filter(program=ctx.program))
        by_pk = {s.pk: s for s in sessions}
        by_day: dict[Any, list[Session]] = {}
        for s in sessions:
            by_day.setdefault(timezone.localdate(s.starts_at), []).append(s)
        parsed = []
        for row, cells in table.rows:
            ref = mother_ref(
                row, plan, cell(cells, cols.get("mother_id")),
                cell(cells, cols.get("nik")) if "nik" in cols else None,
                (name.get("mother_id", "mother_id"), name.get("nik", "nik")),
            )  # fmt: skip
            session = self._session(row, cells, cols, name, by_pk, by_day, plan)
            try:
                present = bool(parse_bool(cell(cells, cols.get("companion_present"))))
            except CellError as exc:
                plan.reject(
                    row,
                    name.get("companion_present", ""),
                    cell(cells, cols.get("companion_present")),
                    exc.render(),
                )
                present = False
            if ref is not None and session is not None and row not in plan.rejected_rows:
                parsed.append((row, ref, session, present))
            else:
                plan.rejected_rows.add(row)
        return parsed

    @staticmethod
    def _session(row, cells, cols, name, by_pk, by_day, plan) -> Session | None:
        try:
            if "session_id" in cols and cell(cells, cols["session_id"]) not in (None, ""):
                number = parse_int(cell(cells, cols["session_id"]))
                if number not in by_pk:
                    plan.reject(row, name["session_id"], number, str(MSG_UNKNOWN_SESSION))
                    return None
                return by_pk[number]
            day = parse_date(cell(cells, cols.get("session_date")))
        except CellError as exc:
            column = name.get("session_id") or name.get("session_date", "")
            plan.reject(row, column, "", exc.render())
            return None
        matches = by_day.get(day, [])
        if len(matches) != 1:
            message = MSG_NO_SESSION if not matches else MSG_MANY_SESSIONS
            plan.reject(row, name.get("session_date", "session_date"), day, str(message))
            return None
        return matches[0]

    def apply(self, plan: Plan, ctx: Context, progress: Progress, job) -> set[int]:
        mothers = Mother.objects.in_bulk([r.mother_pk for r in plan.creates + plan.updates])
        for r in plan.creates + plan.updates:
            mother = mothers[r.mother_pk]
            companion = r.existing.companion if r.existing else None
            if companion is None and r.companion_present:
                companion = mother.companions.first()
            attendance_record(
                session=r.session,
                mother=mother,
                companion_present=r.companion_present,
                companion=companion,
            )
            progress(1)
        return set(mothers)


def column_or(name: dict[str, str], key: str) -> str:
    return name.get(key, key)
