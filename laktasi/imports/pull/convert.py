"""Server submissions → the columns of a KoboToolbox/ODK export the responses importer reads.

The stable identity of a submission becomes ``submission_uuid`` (the importer's idempotency
key) and ``meta/rootUuid``; the current version's id becomes ``meta/instanceID``, so the
responses importer treats an edited submission exactly as in an exported file: an update of
the same response, with history, shown in the preview (``importers/submissions.py``):

- KoboToolbox: ``meta/rootUuid`` (the first version's ``uuid:…``, kept across edits), else
  ``_uuid`` (a submission never edited); an edit adds ``meta/deprecatedID``.
- ODK Central OData: ``__id`` (the submission's instanceId, kept across edits; the current
  version's is ``meta.instanceID``); ``__system.edits`` counts the edits. Groups are nested
  objects, flattened to ``group/field`` as in the CSV export.

Submissions marked "Not approved" in KoboToolbox (``_validation_status.uid`` =
``validation_status_not_approved``) or "Rejected" in ODK Central (``__system.reviewState``
= ``rejected``) are left out and counted, as laktasi does for exported files.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from laktasi.imports.pull.models import ServerKind

KOBO_NOT_APPROVED = "validation_status_not_approved"
ODK_REJECTED = "rejected"
DROPPED = {"meta/instanceID", "meta/rootUuid", "meta/deprecatedID", "_uuid", "__id",
           "meta/instanceid", "_validation_status"}  # fmt: skip


@dataclass
class Converted:
    """The rows to import, and what was left out or edited on the server."""

    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    not_approved: int = 0
    edited: list[str] = field(default_factory=list)  # stable ids of edited submissions

    def write_csv(self, path: Path) -> Path:
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(self.header)
            writer.writerows(self.rows)
        return path


def _bare(identifier: Any) -> str:
    text = str(identifier or "").strip()
    return text[5:] if text.lower().startswith("uuid:") else text


def _flatten(record: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Nested groups → ``group/field``; lists, attachments and nulls are left out."""
    out: dict[str, str] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, f"{name}/"))
        elif isinstance(value, bool):
            out[name] = "true" if value else "false"
        elif isinstance(value, str | int | float):
            out[name] = str(value)
    return out


def _versioned(flat: dict[str, str], stable: str, current: str) -> dict[str, str]:
    """The identity columns the responses importer reads (stable id and this version's id)."""
    flat["meta/rootUuid"] = stable
    flat["meta/instanceID"] = current or stable
    return flat


def _kobo(sub: dict[str, Any]) -> tuple[str, bool, bool, dict[str, str]]:
    status = sub.get("_validation_status")
    rejected = isinstance(status, dict) and status.get("uid") == KOBO_NOT_APPROVED
    stable = _bare(sub.get("meta/rootUuid") or sub.get("_uuid") or sub.get("meta/instanceID"))
    current = _bare(sub.get("meta/instanceID") or sub.get("_uuid"))
    edited = bool(sub.get("meta/deprecatedID")) or bool(current and current != stable)
    flat = _flatten({k: v for k, v in sub.items() if k not in DROPPED})
    return stable, rejected, edited, _versioned(flat, stable, current)


def _odk(sub: dict[str, Any]) -> tuple[str, bool, bool, dict[str, str]]:
    system = sub.get("__system") if isinstance(sub.get("__system"), dict) else {}
    rejected = system.get("reviewState") == ODK_REJECTED
    meta = sub.get("meta") if isinstance(sub.get("meta"), dict) else {}
    stable = _bare(sub.get("__id"))
    current = _bare(meta.get("instanceID"))
    edited = bool(system.get("edits")) or bool(current and current != stable)
    fields = {k: v for k, v in sub.items() if not k.startswith(("__", "@odata"))}
    flat = {k: v for k, v in _flatten(fields).items() if k not in DROPPED}
    if system.get("submissionDate"):
        flat["SubmissionDate"] = str(system["submissionDate"])
    return stable, rejected, edited, _versioned(flat, stable, current)


def convert(kind: str, submissions: list[dict[str, Any]]) -> Converted:
    """Rows (all values as text) under the union of the submissions' columns, in order."""
    read = _kobo if kind == ServerKind.KOBO else _odk
    out = Converted()
    records: list[dict[str, str]] = []
    columns: dict[str, None] = {"submission_uuid": None}
    for sub in submissions:
        stable, rejected, edited, flat = read(sub)
        if rejected:
            out.not_approved += 1
            continue
        if edited and stable:
            out.edited.append(stable)
        flat["submission_uuid"] = stable
        records.append(flat)
        columns.update(dict.fromkeys(flat))
    out.header = list(columns)
    out.rows = [[rec.get(c, "") for c in out.header] for rec in records]
    return out
