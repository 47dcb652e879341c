"""Reads for privacy: a mother's change history and her access log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from laktasi.accounts import policy
from laktasi.accounts.models import User
from laktasi.mothers.models import Mother
from laktasi.privacy import registry
from laktasi.privacy.models import AccessLogEntry
from laktasi.privacy.services import NOT_EXPORTED


@dataclass(frozen=True)
class Change:
    at: Any
    by: str
    model: str
    object_pk: Any
    kind: str
    changes: list[tuple[str, Any, Any]]


def mother_changes(*, mother: Mother, user: User | None = None) -> list[Change]:
    """Every recorded change to her records, newest first, with old and new values; NIK and
    phone numbers as the access policy lets ``user`` read them (``None``: in full, for her
    own export)."""

    def shown(name: str, value: Any) -> Any:
        return value if user is None else policy.field_for(user, name, value)

    changes: list[Change] = []
    for declaration in registry.declarations():
        name = getattr(declaration.model._meta, "simple_history_manager_attribute", None)
        if not name:
            continue
        pks = list(declaration.rows(mother).values_list("pk", flat=True))
        manager = getattr(declaration.model, name)
        pk_name = declaration.model._meta.pk.name
        records = manager.filter(**{f"{pk_name}__in": pks}).select_related("history_user")
        for record in records.order_by("history_date", "history_id"):
            previous = record.prev_record
            diffs: list[tuple[str, Any, Any]] = []
            if previous is not None:
                delta = record.diff_against(previous)
                diffs = [
                    (
                        str(declaration.model._meta.get_field(c.field).verbose_name),
                        shown(c.field, c.old),
                        shown(c.field, c.new),
                    )
                    for c in delta.changes
                    if c.field not in NOT_EXPORTED
                ]
            changes.append(
                Change(
                    at=record.history_date,
                    by=record.history_user.get_username() if record.history_user else "",
                    model=str(declaration.model._meta.verbose_name),
                    object_pk=getattr(record, pk_name),
                    kind=record.get_history_type_display(),
                    changes=diffs,
                )
            )
    return sorted(changes, key=lambda c: c.at, reverse=True)


def access_log_for_mother(*, mother: Mother) -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.filter(mother_pk=mother.pk).order_by("-at", "-pk")
