"""Optimistic concurrency: a record's ETag and the If-Match check of updates."""

from __future__ import annotations

import hashlib

from django.db import models
from django.http import HttpRequest

from laktasi.api.problems import ProblemError


def etag_for(obj: models.Model) -> str:
    """A strong ETag from the primary key and the last change time."""
    stamp = obj.updated_at.isoformat() if obj.updated_at else ""
    digest = hashlib.sha256(f"{obj._meta.label}:{obj.pk}:{stamp}".encode()).hexdigest()[:32]
    return f'"{digest}"'


def require_if_match(request: HttpRequest, obj: models.Model) -> None:
    """Refuse an update without If-Match (428) or with a stale one (412)."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise ProblemError(428, "Send If-Match with the ETag of the record you read.",
                           kind="precondition-required")  # fmt: skip
    current = etag_for(obj)
    offered = {part.strip().removeprefix("W/") for part in header.split(",")}
    if "*" not in offered and current not in offered:
        raise ProblemError(412, "The record changed since you read it; read it again.",
                           kind="stale-etag")  # fmt: skip
