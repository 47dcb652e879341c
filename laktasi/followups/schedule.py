"""Dates of a baby's contacts: pure date arithmetic, no database.

A contact ``{"key", "day", "before", "after"}`` is due on day ``day`` of life (the birth
date is day 0) and open from ``day - before`` to ``day + after``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any


@dataclass(frozen=True)
class ContactDates:
    key: str
    label: str
    number: int
    due_date: date
    window_start: date
    window_end: date


def contact_dates(birth_date: date, contacts: Iterable[Mapping[str, Any]]) -> list[ContactDates]:
    """The due date and window of every contact, numbered from 1 in plan order."""
    out = []
    for number, contact in enumerate(contacts, start=1):
        due = birth_date + timedelta(days=contact["day"])
        out.append(
            ContactDates(
                key=contact["key"],
                label=contact.get("label", contact["key"]),
                number=number,
                due_date=due,
                window_start=due - timedelta(days=contact.get("before", 0)),
                window_end=due + timedelta(days=contact.get("after", 0)),
            )
        )
    return out


def completed_months(birth_date: date, on: date) -> int:
    """Age in completed (calendar) months, as the WHO indicators count it."""
    months = (on.year - birth_date.year) * 12 + (on.month - birth_date.month)
    if on.day < birth_date.day:
        months -= 1
    return max(months, 0)
