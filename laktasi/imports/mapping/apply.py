"""Turn a mapped file into the rows the responses importer reads, and finish its plan.

:func:`mapped_table` gives a table with laktasi's own column names (``submission_uuid``,
``collected_at``, ``mother_id`` or ``nik``, ``timepoint``, ``followup_number`` and the item
ids, answers as choice names), so scoring, matching, idempotency and the all-or-nothing
commit are the importer's, unchanged. :meth:`MappedRows.finish` then names the file's own
columns in the plan's errors, adds the rows refused here, and compares the Google Forms quiz
score with laktasi's.

The submission key is a UUID5 of (form fingerprint, timestamp in UTC, mother identifier):
the same file, or the next download of the same form, is skipped row by row. A NIK enters
the key only through its keyed hash, so the key does not reveal it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from laktasi.core.crypto import keyed_hash
from laktasi.imports.importers.base import Plan
from laktasi.imports.mapping.googleforms import parse_score, parse_timestamp, timestamp_key
from laktasi.imports.mapping.spec import MappingSpec, answer_group, answer_key, form_key
from laktasi.imports.mapping.suggest import header_score, split_multiple
from laktasi.imports.parsers import (
    CellError,
    FileRejected,
    Table,
    clean_text,
    parse_nik,
    read_table,
)
from laktasi.instruments import registry
from laktasi.instruments.models import Source

NAMESPACE = uuid.UUID("2b6c7f0e-55a4-4a9e-8e0f-676f726d7321")
MAX_SCORE_NOTES = 20
SCORE_TOLERANCE = 0.5  # percentage points


@dataclass
class MappedRows(Table):
    """The mapped table, with what :meth:`finish` needs to complete the plan."""

    original: dict[str, str] = field(default_factory=dict)  # laktasi column → file column
    refused: list[tuple[int, str, Any, str]] = field(default_factory=list)
    forms_scores: dict[uuid.UUID, tuple[int, Fraction]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def finish(self, plan: Plan) -> Plan:
        for error in plan.errors:
            error.column = self.original.get(error.column, error.column)
        plan.rows_read += len(self.refused)
        for row, column, value, message in self.refused:
            plan.reject(row, column, value, message)
        plan.notes = self.notes + plan.notes + self._score_notes(plan)
        if plan.constants:
            plan.constants["source"] = Source.IMPORT  # a spreadsheet, not an ODK submission
        return plan

    def _score_notes(self, plan: Plan) -> list[str]:
        differ = []
        for record in plan.creates:
            found = self.forms_scores.get(record.submission_uuid)
            if found is None or record.score_pct is None:
                continue
            row, fraction = found
            theirs = float(fraction * 100)
            if abs(theirs - float(record.score_pct)) > SCORE_TOLERANCE:
                differ.append((row, theirs, float(record.score_pct)))
        if not differ:
            return []
        notes = [
            gettext_now(
                "%(n)s row(s): the Google Forms quiz score differs from laktasi's score. "
                "laktasi's own score is stored (the quiz may use another answer key or other "
                "points per question); check the answer key in the form."
            )
            % {"n": len(differ)}
        ]
        for row, theirs, ours in sorted(differ)[:MAX_SCORE_NOTES]:
            notes.append(
                gettext_now("Row %(row)s: Google Forms %(theirs)s %%, laktasi %(ours)s %%.")
                % {"row": row, "theirs": f"{theirs:.0f}", "ours": f"{ours:.0f}"}
            )
        return notes


def _answer(item: registry.Item, raw: Any, answers: dict[str, str]) -> Any:
    """The cell as the importer reads it: choice names where the mapping knows the answer,
    the cell unchanged otherwise (the importer then accepts a name or label, or rejects it
    naming the column)."""
    text = clean_text(raw)
    if not text or not item.choices:
        return raw
    if item.type == "select_multiple":
        return " ".join(answers.get(answer_key(p), p) for p in split_multiple(item, text))
    return answers.get(answer_key(text), raw)


def _key_identifier(spec: MappingSpec, raw: Any) -> str:
    if spec.identifier_kind == "nik":
        try:
            nik = parse_nik(raw)
        except CellError:
            return clean_text(raw)  # rejected by the importer, with its message
        return "nik:" + keyed_hash(nik) if nik else ""
    return clean_text(raw).upper().replace(" ", "")


def _cell(cells: list[Any], pos: int | None) -> Any:
    return cells[pos] if pos is not None and pos < len(cells) else None


@dataclass
class _Layout:
    """Where the mapped columns are in the file."""

    spec: MappingSpec
    fingerprint: str
    stamp: int | None
    score: int | None
    ident: int
    items: list[tuple[registry.Item, int, str]]
    answers: dict[str, dict[str, str]]

    def row(self, row: int, cells: list[Any], out: MappedRows) -> None:
        spec = self.spec
        sub_uuid, collected = "", ""
        if self.stamp is not None:
            raw = _cell(cells, self.stamp)
            try:
                moment = parse_timestamp(raw)
            except CellError as exc:
                out.refused.append((row, spec.timestamp_column, raw, exc.render()))
                return
            if moment is None:
                out.refused.append((row, spec.timestamp_column, "", str(MSG_NO_TIMESTAMP)))
                return
            who = _key_identifier(spec, _cell(cells, self.ident))
            key = f"{self.fingerprint}|{timestamp_key(moment)}|{who}"
            sub_uuid, collected = str(uuid.uuid5(NAMESPACE, key)), moment.isoformat()
            score = parse_score(_cell(cells, self.score)) if self.score is not None else None
            if score is not None:
                out.forms_scores[uuid.UUID(sub_uuid)] = (row, score)
        values = [sub_uuid, collected, _cell(cells, self.ident), spec.timepoint]
        values.append(spec.followup_number or "")
        for item, pos, _column in self.items:
            values.append(_answer(item, _cell(cells, pos), self.answers[answer_group(item)]))
        out.rows.append((row, values))


def mapped_table(table: Table, spec: MappingSpec) -> MappedRows:
    """The file's rows with laktasi's column names (see the module docstring)."""
    definition = spec.check(table.header)
    position = {name: pos for pos, name in reversed(list(enumerate(table.header)))}
    ident = "nik" if spec.identifier_kind == "nik" else "mother_id"
    items = [(definition.item(iid), position[col], col) for col, iid in spec.columns.items()]
    items.sort(key=lambda t: definition.item_ids.index(t[0].id))
    header = ["submission_uuid", "collected_at", ident, "timepoint", "followup_number"]
    header += [item.id for item, _pos, _col in items]
    original = {ident: spec.identifier_column, **{it.id: col for it, _p, col in items}}
    if spec.timestamp_column:
        original["collected_at"] = original["submission_uuid"] = spec.timestamp_column
    out = MappedRows(header=header, header_row=table.header_row, original=original)
    layout = _Layout(
        spec=spec,
        fingerprint=form_key(table.header),
        stamp=position.get(spec.timestamp_column),
        score=position.get(spec.score_column),
        ident=position[spec.identifier_column],
        items=items,
        answers={answer_group(it): spec.answers.get(answer_group(it), {}) for it, _p, _c in items},
    )
    for row, cells in table.rows:
        layout.row(row, cells, out)
    unmapped = [it.id for it in spec.unmapped_items(definition)]
    if unmapped:
        out.notes.append(
            gettext_now("Optional questions without a column (left unanswered): %(items)s")
            % {"items": ", ".join(unmapped)}
        )
    return out


def mapped_read(path: Path, mapped) -> MappedRows:
    """Read a file through its import's confirmed mapping (FileRejected when unconfirmed)."""
    if not mapped.confirmed:
        raise FileRejected(_("Confirm the column mapping first."))
    spec = MappingSpec.from_json(mapped.spec)
    mapped.job.instrument_id, mapped.job.instrument_version = spec.instrument, spec.version
    return mapped_table(read_table(path, header_score=header_score), spec)


MSG_NO_TIMESTAMP = _("The Timestamp is empty; the row cannot be told apart from a re-import.")
