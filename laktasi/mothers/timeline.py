"""The mother's timeline: one list of dated events that other apps feed.

``mothers`` must not import the apps that depend on it (programs, instruments, followups), so
they register a *provider* in their ``AppConfig.ready()``::

    from laktasi.mothers import timeline
    timeline.register("visits", visit_events)   # visit_events(*, mother, user) -> list[Event]

:func:`timeline_events` asks every provider for the mother's events and merges them, newest
first. A provider only reads through its app's scoped selectors; it receives a mother the user
may already see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.utils import timezone

from laktasi.accounts.models import User
from laktasi.mothers.models import Mother


@dataclass(frozen=True)
class Event:
    """One thing that happened to a mother, ready to show.

    ``kind`` is a short code the template styles (``attendance``, ``response``,
    ``consultation``, ``visit``...); ``when`` a date or an aware datetime; ``url`` an optional
    link to the record; ``badge`` an optional short result (a category).
    """

    kind: str
    when: date | datetime
    title: str
    detail: str = ""
    url: str = ""
    badge: str = ""
    badge_level: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def sort_key(self) -> datetime:
        if isinstance(self.when, datetime):
            return self.when
        return timezone.make_aware(datetime.combine(self.when, time(0, 0)))

    @property
    def has_time(self) -> bool:
        return isinstance(self.when, datetime)


Provider = Callable[..., Iterable[Event]]
_PROVIDERS: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Add (or replace, by name) a provider ``provider(*, mother, user) -> iterable of Event``."""
    _PROVIDERS[name] = provider


def providers() -> tuple[str, ...]:
    return tuple(_PROVIDERS)


def timeline_events(mother: Mother, *, user: User, kinds: Iterable[str] = ()) -> list[Event]:
    """Every event of ``mother`` from every registered provider, newest first.

    ``kinds`` limits the result to those event kinds (all when empty).
    """
    wanted = set(kinds)
    events: list[Event] = []
    for provider in _PROVIDERS.values():
        events.extend(
            e for e in provider(mother=mother, user=user) if not wanted or e.kind in wanted
        )
    events.sort(key=lambda e: e.sort_key, reverse=True)
    return events


# ---------------------------------------------------------------------------- result categories
# The mother list filters by result category (Baik, Kompeten, Lancar...). The instruments app
# knows their labels; it registers a function returning [(code, label), ...] in the active
# language.

_CATEGORY_PROVIDERS: dict[str, Callable[[], Iterable[tuple[str, str]]]] = {}


def register_categories(name: str, provider: Callable[[], Iterable[tuple[str, str]]]) -> None:
    _CATEGORY_PROVIDERS[name] = provider


def result_categories() -> list[tuple[str, str]]:
    """(code, label) of every result category, without repeats, in registration order."""
    seen: dict[str, str] = {}
    for provider in _CATEGORY_PROVIDERS.values():
        for code, label in provider():
            seen.setdefault(code, label)
    return list(seen.items())
