"""Submission identity, edits and review status in KoboToolbox / ODK Central exports.

A submission keeps one identity across edits: KoboToolbox ``meta/rootUuid`` (or ``_uuid``
in exports without it), ODK Central ``KEY``. Each edit gets a new instance ID
(``meta/instanceID``, ODK Central ``meta-instanceID``), so the response is found by the stable
identity and an edit not imported before becomes an update of it (the previous version stays
in the response's history), never a second record.

KoboToolbox's review status (``_validation_status``, written as ``validation_status_…`` in XML
exports and as the label in label exports): "Not approved" rows are skipped and reported;
"Approved" and "On hold" rows, and rows never reviewed, are imported.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as gettext_now

from laktasi.imports.models import SubmissionVersion
from laktasi.imports.parsers import clean_text, header_key
from laktasi.instruments.models import Response

NOT_APPROVED = "not_approved"
REVIEW_WORDS = {
    "validation_status_approved": "approved", "approved": "approved", "disetujui": "approved",
    "validation_status_not_approved": NOT_APPROVED, "not approved": NOT_APPROVED,
    "not_approved": NOT_APPROVED, "tidak disetujui": NOT_APPROVED,
    "validation_status_on_hold": "on_hold", "on hold": "on_hold", "on_hold": "on_hold",
    "ditangguhkan": "on_hold",
}  # fmt: skip
CHUNK = 2000
MAX_SHOWN = 50  # lines of detail per preview section


def review_status(raw: Any) -> str:
    """``approved``, ``not_approved``, ``on_hold`` or ``""`` (not reviewed / unknown)."""
    return REVIEW_WORDS.get(header_key(clean_text(raw)), "")


def parse_submission_id(raw: str) -> uuid.UUID:
    """``uuid:…`` or a bare UUID (ValueError otherwise)."""
    text = raw[5:] if raw.lower().startswith("uuid:") else raw
    return uuid.UUID(text.strip())


@dataclass(slots=True)
class Stored:
    """What laktasi holds for a submission already imported."""

    pk: int
    key: tuple
    answers: dict
    score_pct: float | None
    category: str


@dataclass(slots=True)
class Update:
    """An edit (or an approved replacement) to write over a stored response."""

    pk: int
    row: int
    fields: dict[str, Any]
    version: uuid.UUID | None


def stored_responses(uuids: list[uuid.UUID]) -> dict[uuid.UUID, Stored]:
    out: dict[uuid.UUID, Stored] = {}
    cols = ("pk", "submission_uuid", "mother_id", "timepoint", "followup_number", "observer",
            "answers", "score_pct", "category")  # fmt: skip
    for start in range(0, len(uuids), CHUNK):
        qs = Response.objects.filter(submission_uuid__in=uuids[start : start + CHUNK])
        for pk, sid, mother, tp, fu, obs, answers, pct, cat in qs.values_list(*cols):
            out[sid] = Stored(pk, (mother, tp, fu, obs), answers, pct, cat)
    return out


def recorded_versions(versions: list[uuid.UUID]) -> set[uuid.UUID]:
    found: set[uuid.UUID] = set()
    for start in range(0, len(versions), CHUNK):
        found |= set(
            SubmissionVersion.objects.filter(
                version_uuid__in=versions[start : start + CHUNK]
            ).values_list("version_uuid", flat=True)
        )
    return found


def describe_update(row: int, who: str, old: Stored, new_answers: dict, new_pct, why: str) -> str:
    """One preview line: which answers an edit changes, and the score before and after."""
    changed = sorted(k for k in set(old.answers) | set(new_answers)
                     if old.answers.get(k) != new_answers.get(k))  # fmt: skip
    parts = [f"{k}: {_shown(old.answers.get(k))} → {_shown(new_answers.get(k))}" for k in changed]
    text = "; ".join(parts[:8]) + (" …" if len(parts) > 8 else "")
    score = f"{_pct(old.score_pct)} → {_pct(new_pct)}"
    return gettext_now("Row %(row)s (%(who)s, %(why)s): %(changes)s; score %(score)s") % {
        "row": row, "who": who, "why": why, "changes": text or "-", "score": score,
    }  # fmt: skip


def _shown(value: Any) -> str:
    if value is None:
        return "∅"
    if isinstance(value, list):
        return "+".join(map(str, value)) or "∅"
    return str(value)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} %"


def apply_updates(updates: list[Update], *, user, job) -> None:
    """Write each update through the model (its history keeps the previous version)."""
    by_pk = Response.objects.in_bulk([u.pk for u in updates])
    # Imported rows are written without history records (see write_rows): keep the version
    # being replaced as the first one, so the history shows what the edit changed.
    with_history = set(
        Response.history.filter(id__in=list(by_pk)).values_list("id", flat=True).distinct()
    )
    first = [r for pk, r in by_pk.items() if pk not in with_history]
    for response in first:
        response._history_date = response.created_at
    Response.history.bulk_history_create(first, default_user=None, default_change_reason="imported")
    for response in first:
        del response._history_date  # the update's own record is dated now
    versions = []
    for upd in updates:
        response = by_pk[upd.pk]
        for name, value in upd.fields.items():
            setattr(response, name, value)
        response._history_user = user
        response.save()
        if upd.version is not None:
            versions.append(SubmissionVersion(version_uuid=upd.version, response=response, job=job))
    SubmissionVersion.objects.bulk_create(versions, ignore_conflicts=True)


def record_versions(pairs: list[tuple[uuid.UUID, uuid.UUID]], *, job) -> None:
    """Remember the version of each edited submission created from this file."""
    if not pairs:
        return
    pks = dict(
        Response.objects.filter(submission_uuid__in=[s for s, _v in pairs]).values_list(
            "submission_uuid", "pk"
        )
    )
    SubmissionVersion.objects.bulk_create(
        [SubmissionVersion(version_uuid=v, response_id=pks[s], job=job) for s, v in pairs],
        ignore_conflicts=True,
    )
