"""Pagination of every list endpoint: ``?limit=`` (1–500, default 50) and ``?offset=``."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 500


class Page(LimitOffsetPagination):
    """Limit/offset pages as ``{"items": [...], "count": n}``; ``count`` is within scope."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=10_000_000)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
