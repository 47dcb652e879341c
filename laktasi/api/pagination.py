"""Pagination of every list endpoint: ``?limit=`` (1–500, default 50) and ``?offset=``."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from laktasi.mothers.models import Mother
from laktasi.privacy.models import AccessAction, AccessLogEntry

MAX_LIMIT = 500


class Page(LimitOffsetPagination):
    """Limit/offset pages as ``{"items": [...], "count": n}``; ``count`` is within scope."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=10_000_000)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)


def _mother_id(item: Any) -> int | None:
    if isinstance(item, Mother):
        return item.pk
    if getattr(item, "mother_id", None) is not None:
        return item.mother_id
    baby = getattr(item, "baby", None)
    return getattr(baby, "mother_id", None)


def access_log_list(*, request, items: list) -> None:
    """One access-log entry (action ``list``, channel ``api``) per mother on the page."""
    user = request.user if request.user.is_authenticated else None
    ids = {i for i in map(_mother_id, items) if i is not None}
    if not ids:
        return
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(
            user=user,
            username=user.get_username() if user else "",
            mother_pk=pk,
            mother_identifier=identifier,
            action=AccessAction.LIST,
            channel="api",
        )
        for pk, identifier in Mother.objects.filter(pk__in=ids).values_list("pk", "identifier")
    )


class PersonalPage(Page):
    """A page of rows about single mothers: every mother on it is written to the access log
    (as the web does for each page that shows her)."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page[self.items_attribute] = items = list(page[self.items_attribute])
        access_log_list(request=request, items=items)
        return page
