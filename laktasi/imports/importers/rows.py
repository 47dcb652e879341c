"""Writing imported responses fast: the prepared rows of :class:`NewResponse` records,
inserted by ``COPY`` (PostgreSQL) or ``executemany`` (SQLite)."""

from __future__ import annotations

import json
import uuid
from functools import partial
from typing import Any, NamedTuple

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone

from laktasi.instruments import scoring
from laktasi.instruments.models import Response


class NewResponse(NamedTuple):
    """A validated, scored response to insert (the per-row values; the rest is constant).

    ``answers`` and ``details`` are already JSON text, as the model's JSONField stores them
    (a plan of 100,000 rows then holds strings, not 200,000 dicts).
    """

    submission_uuid: uuid.UUID
    mother_id: int
    timepoint: str
    followup_number: int
    observer: str
    answers: str
    score_pct: float | None
    category: str
    complete: bool
    details: str
    collected_at: Any


def _details_encoder(dumps, prepared: scoring.PreparedRule):
    """JSON of a result's ``details``, with the rule part (the same for every row, and most
    of the text) encoded once and spliced in. Equal to ``dumps(details)`` once parsed."""
    rule, text = prepared.rule, prepared.text
    tail = dumps({"rule": rule, "rule_text": text})[1:]  # '"rule": …, "rule_text": …}'

    def encode(details: dict[str, Any]) -> str:
        if details.get("rule") is not rule or details.get("rule_text") is not text:
            return dumps(details)
        head = dumps({k: v for k, v in details.items() if k not in ("rule", "rule_text")})
        return "{" + tail if head == "{}" else head[:-1] + ", " + tail

    return encode


def _json_encoder() -> json.JSONEncoder:
    """The encoder of Response's JSON fields (Django's JSONField default: plain json)."""
    encoders = {
        f.encoder for f in Response._meta.concrete_fields if f.get_internal_type() == "JSONField"
    }
    if encoders != {None}:  # a custom encoder on the model must be used here too
        (encoder,) = encoders
        return encoder()
    return json.JSONEncoder()


class ResponseRows:
    """Database rows for :class:`NewResponse` records, in the Response table's column order.

    Each value is prepared by the model field's own ``get_db_prep_save`` (JSON with the
    field's encoder), so the rows are exactly what ``bulk_create`` would send. Values that
    repeat across rows (mother, timepoint, category…) are prepared once.
    """

    UNIQUE_PER_ROW = frozenset({"submission_uuid", "collected_at"})

    def __init__(self, constants: dict[str, Any]):
        now = timezone.now()
        conn = connections[DEFAULT_DB_ALIAS]  # the real connection, not the proxy
        constants = {"created_at": now, "updated_at": now, "session_id": None,
                     "performed_by_companion_id": None, **constants}  # fmt: skip
        self.fields = [f for f in Response._meta.concrete_fields if not f.primary_key]
        index = {name: i for i, name in enumerate(NewResponse._fields)}
        self._plan = []
        for f in self.fields:
            if f.attname in constants:
                self._plan.append((None, f.get_db_prep_save(constants[f.attname], conn)))
            elif f.get_internal_type() == "JSONField":
                # Already JSON text (see NewResponse); COPY casts it to jsonb.
                self._plan.append((index[f.attname], None))
            elif f.attname in self.UNIQUE_PER_ROW:
                self._plan.append((index[f.attname], partial(f.get_db_prep_save, connection=conn)))
            else:
                self._plan.append((index[f.attname], _cached_prep(f, conn)))
        missing = set(NewResponse._fields) - {f.attname for f in self.fields}
        if missing:  # a renamed model field must not be silently dropped
            raise AssertionError(f"NewResponse fields not in the Response table: {missing}")

    def prepare(self, records: list[NewResponse]) -> list[list[Any]]:
        plan = self._plan
        return [
            [v if i is None else rec[i] if v is None else v(rec[i]) for i, v in plan]
            for rec in records
        ]


def _cached_prep(f, conn):
    prepared: dict[Any, Any] = {}

    def prep(value):
        try:
            return prepared[value]
        except KeyError:
            out = prepared[value] = f.get_db_prep_save(value, conn)
            return out

    return prep


def write_rows(rows: list[list[Any]]) -> None:
    """Insert prepared Response rows: ``COPY`` on PostgreSQL, ``executemany`` elsewhere.

    The database's constraints (unique submission UUID, one response per timepoint) still
    hold. No per-row signals run (as with ``bulk_create``): the import job is the audit
    record.
    """
    fields = [f for f in Response._meta.concrete_fields if not f.primary_key]
    table = connection.ops.quote_name(Response._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # noqa: S608
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 (model names)
            cursor.executemany(sql, rows)
