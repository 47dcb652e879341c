"""Instrument responses: KoboToolbox / ODK Central exports of laktasi's XLSForms, and the
laktasi response template.

Columns are recognised by the XLSForm's own names and labels (both languages), with group
paths (``group/field`` from Kobo, ``group-field`` from ODK Central) reduced to the field, and
select_multiple either as one space-separated column or one 0/1 column per choice
(``item/choice``). The submission's ``meta/instanceID`` (or ``KEY``, ``_uuid``,
``submission_uuid``) is the idempotency key; a row without one gets a deterministic
UUID5 of (instrument, program, mother, timepoint, follow-up number, observer), so a template
re-imported is skipped too. Rows are scored with the one scoring module and written in one
transaction (``COPY`` on PostgreSQL, ``executemany`` on SQLite).
"""

from __future__ import annotations

import json
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laktasi.imports.importers import submissions
from laktasi.imports.importers.answers import form_labels
from laktasi.imports.importers.base import (
    MSG_BAD_IDENTIFIER,
    MSG_MOTHER_NOT_FOUND,
    Context,
    Importer,
    Plan,
    Progress,
    cell,
    consent_in_force,
    match_mothers,
    mother_ref,
    resolve,
)
from laktasi.imports.importers.binding import (
    Binding,
    bind,
    detect_instrument,
    item_columns,
    known_columns,
)
from laktasi.imports.importers.missing import is_scored, missing_columns, missing_note
from laktasi.imports.importers.response_cells import memo, row_answers, scored
from laktasi.imports.importers.rows import (
    NewResponse,
    ResponseRows,
    _details_encoder,
    _json_encoder,
    write_rows,
)
from laktasi.imports.parsers import (
    FileRejected,
    Table,
    clean_text,
    header_key,
    parse_datetime,
    parse_int,
)
from laktasi.instruments import scoring
from laktasi.instruments.models import Observer, Response, Source, Timepoint
from laktasi.instruments.services import program_rules
from laktasi.mothers.services import MSG_NO_CONSENT

NAMESPACE = uuid.UUID("6f0f5a54-3f4e-4d3b-9a39-6c6161637461")
IDENTIFIER_RE = re.compile(r"^LK-[A-Z2-7]{8}$")
BATCH = 1000
TIMEPOINTS = frozenset(Timepoint.values)
OBSERVERS = frozenset(Observer.values)
TIMEPOINT_WORDS = {
    "pre": "pre", "pretest": "pre", "pre-test": "pre", "sebelum": "pre",
    "post": "post", "posttest": "post", "post-test": "post", "sesudah": "post", "setelah": "post",
    "followup": "followup", "follow-up": "followup", "tindak lanjut": "followup",
}  # fmt: skip

MSG_ALREADY_RECORDED = _(
    "This instrument is already recorded for this mother at this timepoint (another "
    "submission); correct it in laktasi instead of importing it again."
)
MSG_DUPLICATE_IN_FILE = _(
    "Another row of this file records the same mother, instrument and timepoint."
)
MSG_BAD_UUID = _("The submission ID %(value)s is not a valid UUID.")
MSG_TIMEPOINT = _("Timepoint must be pre, post or followup.")
MSG_FOLLOWUP = _("A follow-up needs its number (1 to 99).")
MSG_OBSERVER = _("Observer must be primary or second.")


def _observer(raw: Any) -> str:
    observer = clean_text(raw).lower() or Observer.PRIMARY
    return {"1": "primary", "2": "second", "kedua": "second", "pertama": "primary"}.get(
        observer, observer
    )


def _parse_utc_datetime(raw: Any):
    return parse_datetime(raw, naive_is_utc=True)


@dataclass(slots=True)
class Candidate:
    row: int
    uuid: uuid.UUID | None
    ref: Any
    timepoint: str
    followup: int
    observer: str
    collected_at: Any
    cells: list[Any]
    mother_pk: int | None = None
    version: uuid.UUID | None = None  # this edit's instance ID (uuid is the stable identity)


class ResponsesImporter(Importer):
    kind = "responses"

    def header_score(self, cells: list[str]) -> int:
        return known_columns(cells)

    def plan(self, table: Table, ctx: Context) -> Plan:
        plan = Plan(kind=self.kind, rows_read=len(table.rows))
        definition = detect_instrument(table.header, ctx)
        plan.instrument_id, plan.instrument_version = definition.id, definition.version
        binding = bind(table.header, definition)
        self.labels = form_labels(definition.id, definition.version)
        if "mother_id" not in binding.meta and "nik" not in binding.meta:
            raise FileRejected(_("The file has no mother_id (laktasi ID) or NIK column."))
        if "timepoint" not in binding.meta:
            raise FileRejected(_("The file has no timepoint column."))
        if binding.ignored:
            plan.notes.append(
                str(_("Columns not used: %(names)s")) % {"names": ", ".join(binding.ignored[:20])}
            )
        self._check_columns(definition, binding, ctx, plan)
        col = {k: table.header[v] for k, v in binding.meta.items()}
        self._cache: dict[str, dict] = defaultdict(dict)  # raw metadata cell → parsed
        self._not_approved: list[tuple[int, uuid.UUID | None]] = []
        candidates = [
            c for c in (self._meta(r, cells, col, binding, plan) for r, cells in table.rows) if c
        ]
        self._resolve_mothers(candidates, ctx, table.header, binding, plan)
        candidates = [c for c in candidates if c.row not in plan.rejected_rows]
        self._classify(candidates, definition, binding, table.header, ctx, plan)
        return plan

    def _check_columns(self, definition, b: Binding, ctx: Context, plan: Plan) -> None:
        """Note the questions with no column; a scored instrument then needs the user's
        acceptance, and the responses are stored without score or category."""
        read = {item.id for item, _pos in item_columns(definition, b)}
        missing = missing_columns(definition, lambda item: item.id in read)
        self._withhold = False
        if not missing:
            return
        plan.missing_items = missing
        note = missing_note(definition, missing)
        plan.notes.append(note)
        if is_scored(definition, missing):
            plan.blocked_note = note
            self._withhold = True  # never a score computed as if the answers were wrong

    # -- pass 1: metadata of every row

    def _identity(self, row, cells, col, b: Binding, plan: Plan):
        """(stable identity, version) of the row's submission, or False (row rejected)."""
        found: dict[str, uuid.UUID] = {}
        for name in ("root", "uuid", "instance"):
            raw = clean_text(cell(cells, b.meta.get(name)))
            if raw:
                try:
                    found[name] = submissions.parse_submission_id(raw)
                except ValueError:
                    plan.reject(row, col[name], raw, str(MSG_BAD_UUID) % {"value": raw[:40]})
                    return False
        stable = found.get("root") or found.get("uuid") or found.get("instance")
        return stable, found.get("instance") or found.get("uuid")

    def _meta(self, row, cells, col, b: Binding, plan: Plan) -> Candidate | None:
        identity = self._identity(row, cells, col, b, plan)
        if identity is False:
            return None
        sub_uuid, version = identity
        if "review" in b.meta:
            status = submissions.review_status(cell(cells, b.meta["review"]))
            if status == submissions.NOT_APPROVED:
                plan.skipped += 1
                self._not_approved.append((row, sub_uuid))
                return None
        ref = mother_ref(
            row,
            plan,
            cell(cells, b.meta.get("mother_id")),
            cell(cells, b.meta.get("nik")) if "nik" in b.meta else None,
            (col.get("mother_id", "mother_id"), col.get("nik", "nik")),
        )
        if ref is not None and ref.identifier and not IDENTIFIER_RE.match(ref.identifier):
            plan.reject(
                row, col.get("mother_id", "mother_id"), ref.identifier, str(MSG_BAD_IDENTIFIER)
            )
            ref = None
        timepoint, followup = self._when(row, cells, col, b, plan)
        observer = memo(self._cache["observer"], _observer, cell(cells, b.meta.get("observer")))[0]
        if observer not in OBSERVERS:
            plan.reject(row, col.get("observer", "observer"), observer, str(MSG_OBSERVER))
        collected = self._collected_at(cells, b, col, row, plan)
        if ref is None or row in plan.rejected_rows:
            plan.rejected_rows.add(row)
            return None
        return Candidate(
            row, sub_uuid, ref, timepoint, followup, observer, collected, cells, version=version
        )

    def _when(self, row, cells, col, b: Binding, plan: Plan) -> tuple[str | None, int]:
        """(timepoint, follow-up number: 0 unless a follow-up), each rejected when unreadable."""
        raw_tp = cell(cells, b.meta.get("timepoint"))
        timepoint = memo(self._cache["timepoint"], self._timepoint, raw_tp)[0]
        if timepoint is None:
            plan.reject(row, col["timepoint"], raw_tp, str(MSG_TIMEPOINT))
        followup = 0
        raw_fu = cell(cells, b.meta.get("followup_number"))
        number, error = memo(self._cache["followup_number"], parse_int, raw_fu)
        if error is not None:
            plan.reject(row, col.get("followup_number", ""), raw_fu, error.render())
        if timepoint == Timepoint.FOLLOWUP:
            if number is None or not 1 <= number <= 99:
                plan.reject(
                    row, col.get("followup_number", "followup_number"), number, str(MSG_FOLLOWUP)
                )
            else:
                followup = number
        return timepoint, followup

    def _timepoint(self, value: Any) -> str | None:
        text = header_key(clean_text(value))
        if text in TIMEPOINTS:
            return text
        if text in TIMEPOINT_WORDS:
            return TIMEPOINT_WORDS[text]
        return self.labels.choices.get("timepoint", {}).get(text)

    def _collected_at(self, cells, b: Binding, col, row, plan: Plan):
        for name, parse in (
            ("collected_at", parse_datetime),
            ("end", parse_datetime),
            ("submission_time", _parse_utc_datetime),
        ):
            if name in b.meta:
                raw = cell(cells, b.meta[name])
                moment, error = memo(self._cache[name], parse, raw)
                if error is not None:
                    plan.reject(row, col[name], raw, error.render())
                    return None
                if moment is not None:
                    return moment
        return None

    # -- matching

    def _resolve_mothers(self, candidates, ctx, header, b: Binding, plan: Plan) -> None:
        found = match_mothers(ctx.user, (c.ref for c in candidates))
        for c in candidates:
            c.mother_pk = resolve(c.ref, found)
            if c.mother_pk is None:
                column = header[b.meta["mother_id"]] if c.ref.identifier else header[b.meta["nik"]]
                value = c.ref.identifier or cell(c.cells, b.meta["nik"])
                plan.reject(c.row, column, value, str(MSG_MOTHER_NOT_FOUND))

    # -- pass 2: decide

    def _classify(self, candidates, definition, b: Binding, header, ctx: Context, plan: Plan):
        program = ctx.program
        program_pk = program.pk if program else None
        _default_uuids(candidates, definition.id, program_pk)
        refused = {u for _row, u in self._not_approved if u is not None}
        stored = submissions.stored_responses([c.uuid for c in candidates] + sorted(refused))
        edits = [
            c.version for c in candidates if c.uuid in stored and c.version not in (None, c.uuid)
        ]
        recorded = submissions.recorded_versions(edits)
        # A submission marked "Not approved" that was imported before gives way to an approved
        # one for the same mother and timepoint (its key, mapped to what is stored).
        replaceable = {st.key: (sid, st) for sid, st in stored.items() if sid in refused}
        taken = _existing_keys(definition.id, program, {c.mother_pk for c in candidates})
        consented = consent_in_force({c.mother_pk for c in candidates})
        labels = form_labels(definition.id, definition.version)
        scorer = scoring.Scorer(definition, program_rules(program=program, instrument=definition))
        plan.constants = _constants(definition, program_pk, ctx, b)
        seen_uuids: set[uuid.UUID] = set()
        outcomes: dict[str, tuple] = {}
        dumps = _json_encoder().encode
        details_json = _details_encoder(dumps, scorer.prepared_rule)
        withheld = self._withheld_details(plan, scorer, details_json)
        now = timezone.now()
        mother_col = header[b.meta.get("mother_id", b.meta.get("nik", 0))]
        columns = item_columns(definition, b)
        caches: dict[str, dict] = {item.id: {} for item, _pos in columns}
        for c in candidates:
            old = stored.get(c.uuid)
            if c.uuid in seen_uuids or (old is not None and not _new_edit(c, recorded)):
                plan.skip(c.mother_pk)
                continue
            key = (c.mother_pk, c.timepoint, c.followup, c.observer)
            target, message = _target(c.uuid, old, key, taken, replaceable)
            message = message or (None if c.mother_pk in consented else MSG_NO_CONSENT)
            if message is not None:
                plan.reject(c.row, mother_col, c.ref.identifier or "NIK", str(message))
                continue
            norm = row_answers(c, columns, caches, definition, b, header, labels, plan)
            if norm is None:
                continue
            # The answers' JSON is both what is stored and the key of the score memo: equal
            # answers score equally, and a file repeats patterns (checklists especially).
            answers_json = dumps(norm)
            outcome = outcomes.get(answers_json)
            if outcome is None:
                outcome = scored(c, norm, scorer, withheld, details_json, b, header, plan)
                if outcome is None:
                    continue
                outcomes[answers_json] = outcome
            seen_uuids.add(c.uuid)
            taken[key] = True
            record = NewResponse(
                c.uuid,
                c.mother_pk,
                c.timepoint,
                c.followup,
                c.observer,
                answers_json,
                *outcome,
                c.collected_at or now,
            )
            if target is None:
                plan.creates.append(record)
                if c.version not in (None, c.uuid):
                    plan.versions.append((c.uuid, c.version))
            elif not self._update(c, target, record, plan):
                plan.skipped += 1
        self._note_not_approved(plan, stored)

    def _withheld_details(self, plan: Plan, scorer, details_json):
        """The stored outcome of every row when scored questions have no column (None when
        they all have one): no score, no category, incomplete, and the missing named."""
        if not self._withhold:
            return None
        rule = scorer.prepared_rule
        details = {"not_collected": plan.missing_items, "rule": rule.rule, "rule_text": rule.text}
        return (None, "", False, details_json(details))

    def _update(self, c: Candidate, target, record: NewResponse, plan: Plan) -> bool:
        """Plan an edit (or an approved replacement) over a stored response; False when it
        changes nothing laktasi stores."""
        old_uuid, old = target
        answers = json.loads(record.answers)
        replacing = old_uuid != c.uuid
        if not replacing and answers == old.answers and record[1:5] == old.key:
            return False
        fields = {
            "mother_id": record.mother_id, "timepoint": record.timepoint,
            "followup_number": record.followup_number, "observer": record.observer,
            "answers": answers, "score_pct": record.score_pct, "category": record.category,
            "complete": record.complete, "details": json.loads(record.details),
            "collected_at": record.collected_at, "submission_uuid": c.uuid,
        }  # fmt: skip
        version = c.version if c.version not in (None, c.uuid) else None
        plan.updates.append(submissions.Update(old.pk, c.row, fields, version))
        why = _("approved, replaces a submission marked Not approved") if replacing else _("edited")
        who = f"{c.ref.identifier or 'NIK'} {c.timepoint}"
        plan.update_lines.append(
            submissions.describe_update(c.row, who, old, answers, record.score_pct, str(why))
        )
        return True

    def _note_not_approved(self, plan: Plan, stored) -> None:
        """List the rows skipped as Not approved, and those laktasi still holds from an
        earlier import (unless an approved submission of this file replaces them)."""
        if not self._not_approved:
            return
        replaced = {u.pk for u in plan.updates}  # only an approved row updates such a pk
        rows = [r for r, _u in self._not_approved]
        earlier = [r for r, u in self._not_approved if u in stored and stored[u].pk not in replaced]
        plan.notes.append(
            str(_("Skipped, marked Not approved in KoboToolbox: rows %(rows)s."))
            % {"rows": _rows(rows)}
        )
        if earlier:
            plan.notes.append(
                str(
                    _(
                        "Rows %(rows)s were imported before they were marked Not approved; "
                        "laktasi still holds them. Remove or correct them in laktasi if they "
                        "must not count (an approved submission for the same mother and "
                        "timepoint replaces them)."
                    )
                )
                % {"rows": _rows(earlier)}
            )

    # -- writes

    def apply(self, plan: Plan, ctx: Context, progress: Progress, job) -> set[int]:
        """Write the plan; returns the pks of the mothers written (for the job's links)."""
        written: set[int] = set()
        if plan.updates:  # first: an approved replacement frees its mother's timepoint
            submissions.apply_updates(plan.updates, user=ctx.user, job=job)
            written |= set(
                Response.objects.filter(pk__in=[u.pk for u in plan.updates]).values_list(
                    "mother_id", flat=True
                )
            )
            progress(len(plan.updates))
        if not plan.creates:
            submissions.record_versions(plan.versions, job=job)
            return written
        rows = ResponseRows(plan.constants)
        records = plan.creates
        for start in range(0, len(records), BATCH):
            batch = records[start : start + BATCH]
            write_rows(rows.prepare(batch))
            progress(len(batch))
        submissions.record_versions(plan.versions, job=job)
        return written | {r.mother_id for r in records}


def _default_uuids(candidates: list[Candidate], instrument_id: str, program_pk) -> None:
    """A row without a submission ID gets one derived from what it records (idempotent)."""
    for c in candidates:
        if c.uuid is None:
            c.uuid = uuid.uuid5(
                NAMESPACE,
                f"{instrument_id}|{program_pk}|{c.mother_pk}|{c.timepoint}|{c.followup}|{c.observer}",
            )


def _constants(definition, program_pk, ctx: Context, b: Binding) -> dict[str, Any]:
    """The columns every response row of this file shares."""
    odk = {"instance", "uuid", "root", "submission_time"} & set(b.meta)
    return {
        "program_id": program_pk,
        "instrument_id": definition.id,
        "instrument_version": definition.version,
        "collected_by_id": ctx.user.pk if ctx.user else None,
        "source": Source.ODK if odk else Source.IMPORT,
    }


def _new_edit(c: Candidate, recorded: set[uuid.UUID]) -> bool:
    """Whether a row of a known submission is an edit not imported yet."""
    return c.version is not None and c.version != c.uuid and c.version not in recorded


def _target(sid, old, key, taken, replaceable):
    """(what the row writes over: (uuid, Stored) or None for a new response, rejection)."""
    if old is not None:  # an edit: it may move the response, not onto another one
        if key != old.key and key in taken:
            return None, MSG_ALREADY_RECORDED if not taken[key] else MSG_DUPLICATE_IN_FILE
        return (sid, old), None
    if key not in taken:
        return None, None
    if not taken[key] and key in replaceable:
        return replaceable[key], None
    return None, MSG_DUPLICATE_IN_FILE if taken[key] else MSG_ALREADY_RECORDED


def _rows(rows: list[int]) -> str:
    shown = ", ".join(map(str, rows[:40]))
    return shown + (f" … (+{len(rows) - 40})" if len(rows) > 40 else "")


def _existing_keys(instrument_id: str, program, mother_pks: set[int]) -> dict[tuple, bool]:
    """Timepoints already recorded (value False: in the database, True: earlier in the file)."""
    ids = sorted(mother_pks)
    out: dict[tuple, bool] = {}
    prog = Q(program=program) if program is not None else Q(program__isnull=True)
    for start in range(0, len(ids), 2000):
        qs = Response.objects.filter(
            prog, instrument_id=instrument_id, mother_id__in=ids[start : start + 2000]
        ).values_list("mother_id", "timepoint", "followup_number", "observer")
        for key in qs:
            out[tuple(key)] = False
    return out
