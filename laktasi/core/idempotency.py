"""Saves keyed by a submission UUID, the one way a replayed form, API call or bundle saves
once: a replay finds the row its first submission stored, and a concurrent replay that wins
the race between the look-up and the insert is returned instead of a duplicate."""

from __future__ import annotations

import uuid
from typing import TypeVar

from django.db import IntegrityError, models, transaction

M = TypeVar("M", bound=models.Model)


def submission_replay(model: type[M], submission_uuid: uuid.UUID | str | None) -> M | None:
    """The row an earlier submission with this UUID stored, or None (also for no UUID)."""
    if not submission_uuid:
        return None
    return model._default_manager.filter(submission_uuid=submission_uuid).first()


def save_once(row: M) -> tuple[M, bool]:
    """Insert a new row with a unique ``submission_uuid``; returns (row, created).

    When a concurrent replay of the same submission has inserted it first, that stored row
    is returned with created False; any other integrity error is raised.
    """
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        existing = submission_replay(type(row), row.submission_uuid)
        if existing is None:
            raise
        return existing, False
    return row, True


def key_lookup(*, key: uuid.UUID, kind: str) -> int | None:
    """The pk recorded for a client UUID of ``kind``, or None."""
    from laktasi.core.models import IdempotencyKey

    row = IdempotencyKey.objects.filter(key=key, kind=kind).first()
    return row.object_pk if row else None


def key_claim(*, key: uuid.UUID, kind: str, object_pk: int) -> bool:
    """Remember that ``key`` produced ``kind`` #``object_pk``; False if it was already known."""
    from laktasi.core.models import IdempotencyKey

    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(key=key, kind=kind, object_pk=object_pk)
    except IntegrityError:
        return False
    return True
