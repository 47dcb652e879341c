"""A column mapping: which column is which item, how answers map to choices, and who.

Stored as JSON (on :class:`~laktasi.imports.mapping.models.ColumnMapping` for the next file,
and as a snapshot on each :class:`~laktasi.imports.mapping.models.MappedImport`):

.. code-block:: json

    {"instrument": "knowledge_test", "version": "1",
     "identifier_column": "ID laktasi ibu", "identifier_kind": "laktasi_id",
     "timepoint": "pre", "followup_number": null,
     "timestamp_column": "Timestamp", "score_column": "Score",
     "columns": {"1. ASI eksklusif artinya …": "k01_ebf_definition"},
     "answers": {"true_false": {"benar": "true", "salah": "false"}}}

``answers`` is keyed by the item's choice list (items sharing a list share the mapping) and
then by the answer as :func:`answer_key` writes it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from laktasi.imports.mapping.googleforms import meta_kind
from laktasi.imports.mapping.text import normalise
from laktasi.imports.parsers import FileRejected, clean_text
from laktasi.instruments import registry

IDENTIFIER_KINDS = ("laktasi_id", "nik")
TIMEPOINTS = ("pre", "post", "followup")


def answer_key(value: Any) -> str:
    """An answer compared without case or surrounding spaces."""
    return clean_text(value).lower()


def answer_group(item: registry.Item) -> str:
    """Items with the same choice list share one answer mapping."""
    return item.list_name or item.id


def form_key(header: list[str]) -> str:
    """The form's fingerprint: its question headers (not the Timestamp/Email/Score columns),
    normalised and sorted. The same Google Form downloaded again gives the same key."""
    questions = sorted(normalise(h) for h in header if h and not meta_kind(h))
    return hashlib.sha256("\n".join(questions).encode()).hexdigest()[:32]


class MappingError(FileRejected):
    """The mapping cannot be used with this instrument or file (translated message)."""


@dataclass
class MappingSpec:
    instrument: str
    version: str = ""
    identifier_column: str = ""
    identifier_kind: str = ""
    timepoint: str = ""
    followup_number: int | None = None
    timestamp_column: str = ""
    score_column: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    answers: dict[str, dict[str, str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> MappingSpec:
        if isinstance(data, str | bytes):
            try:
                data = json.loads(data)
            except ValueError as exc:
                raise MappingError(_("The mapping file is not valid JSON.")) from exc
        if not isinstance(data, dict) or not isinstance(data.get("instrument"), str):
            raise MappingError(_("The mapping names no instrument."))
        known = set(cls.__dataclass_fields__)
        clean = {k: v for k, v in data.items() if k in known}
        clean["columns"] = {str(k): str(v) for k, v in (clean.get("columns") or {}).items()}
        clean["answers"] = {
            str(g): {answer_key(k): str(v) for k, v in (m or {}).items()}
            for g, m in (clean.get("answers") or {}).items()
        }
        number = clean.get("followup_number")
        clean["followup_number"] = int(number) if str(number or "").isdigit() else None
        return cls(**clean)

    def definition(self) -> registry.InstrumentDefinition:
        try:
            return registry.get(self.instrument, self.version or None)
        except registry.UnknownInstrumentError as exc:
            raise MappingError(_("Unknown instrument %(name)s."), name=self.instrument) from exc

    def unmapped_items(self, definition: registry.InstrumentDefinition) -> list[registry.Item]:
        mapped = set(self.columns.values())
        return [it for it in definition.items if it.id not in mapped]

    def check(self, header: list[str]) -> registry.InstrumentDefinition:
        """The instrument, once the mapping is complete and fits ``header``; else MappingError.

        Refused (never guessed): no identifier column or kind, no timepoint, a follow-up
        without its number, a column not in the file, an unknown item, an item given two
        columns, and a required item without a column — laktasi would otherwise score the
        question the form did not ask as if the mother had answered it wrongly.
        """
        definition = self.definition()
        self._check_who()
        self._check_columns(header)
        self._check_items(definition)
        return definition

    def _check_who(self) -> None:
        if self.identifier_kind not in IDENTIFIER_KINDS or not self.identifier_column:
            raise MappingError(
                _("Choose the column that identifies the mother (laktasi ID or NIK).")
            )
        if self.timepoint not in TIMEPOINTS:
            raise MappingError(_("Choose the timepoint of these answers (pre, post, follow-up)."))
        if self.timepoint == "followup" and not (self.followup_number or 0) >= 1:
            raise MappingError(_("A follow-up needs its number (1 to 99)."))

    def _check_columns(self, header: list[str]) -> None:
        present = set(header)
        wanted = [self.identifier_column, self.timestamp_column, self.score_column]
        for column in [c for c in wanted if c] + list(self.columns):
            if column not in present:
                raise MappingError(
                    _("The file has no column %(name)s, which the mapping uses."), name=column[:80]
                )
        for column in [self.identifier_column, *self.columns]:
            if header.count(column) > 1:
                raise MappingError(
                    _("The file has two columns named %(name)s; rename one and upload it again."),
                    name=column[:80],
                )

    def _check_items(self, definition: registry.InstrumentDefinition) -> None:
        seen: dict[str, str] = {}
        for column, item_id in self.columns.items():
            if item_id not in definition.item_map:
                raise MappingError(
                    _("%(item)s is not an item of %(instrument)s."),
                    item=item_id,
                    instrument=definition.id,
                )
            if item_id in seen:
                raise MappingError(
                    _("Two columns are mapped to the same item %(item)s: %(a)s and %(b)s."),
                    item=item_id,
                    a=seen[item_id][:60],
                    b=column[:60],
                )
            seen[item_id] = column
        missing = [it.id for it in self.unmapped_items(definition) if it.required]
        if missing:
            raise MappingError(
                _(
                    "No column is mapped to %(n)s question(s) of the instrument (%(items)s). "
                    "laktasi would score them as wrong answers, so nothing is imported: map "
                    "them, or use a file that has them."
                ),
                n=len(missing),
                items=", ".join(missing[:10]) + (" …" if len(missing) > 10 else ""),
            )
