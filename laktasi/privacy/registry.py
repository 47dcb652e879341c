"""Where every app declares the personal data its models hold, for export and erasure.

Each app with rows that belong to a mother has a ``personal_data.py`` that calls
:func:`declare` once per model::

    declare(Visit, path="baby__mother", fields={"notes": BLANK})

``path`` is the ORM path from the model to ``Mother`` (``""`` for Mother itself). ``fields``
maps each personal field to what erasure does with it; fields not named are kept, because
they are not personal (codes, scores, dates of program events) and make the de-identified
aggregates. A model with a path to Mother but no personal field is declared with
``fields={}``, which records that someone looked. ``tests/privacy/test_registry.py`` fails for
any model that has a foreign-key path to Mother and is not declared, so new models cannot be
forgotten.

Models that hold personal data of many mothers without a foreign key (an import file, a
JSON of rejected rows) are declared with ``path=None`` and an ``erase`` hook that receives the
mother and the strings to remove.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

# What erasure does with a field. A callable gets (row, value) and returns the new value.
BLANK = "blank"  # "" for text (None for nullable non-text fields)
SCRUB = "scrub"  # free text / JSON: remove the mother's names, NIK and phone wherever they occur
REDACT = "redact"  # replace the whole text by a marker
YEAR = "year"  # a date becomes 1 January of its year
MONTH = "month"  # a date becomes the first of its month
DELETE_FILE = "delete_file"  # delete the stored file and clear the field

REDACTED = "[dihapus]"

Strategy = str | Callable[[models.Model, Any], Any] | tuple  # a tuple: several steps in order
EraseHook = Callable[..., int]


@dataclass(frozen=True)
class Declaration:
    model: type[models.Model]
    path: str | None
    fields: dict[str, Strategy] = field(default_factory=dict)
    erase: EraseHook | None = None

    @property
    def label(self) -> str:
        return self.model._meta.label

    def rows(self, mother) -> models.QuerySet:
        """This mother's rows of the model (none for models without a path)."""
        manager = self.model._default_manager
        if self.path is None:
            return manager.none()
        if self.path == "":
            return manager.filter(pk=mother.pk)
        return manager.filter(**{self.path: mother})


_REGISTRY: dict[str, Declaration] = {}


def declare(
    model: type[models.Model],
    *,
    path: str | None,
    fields: dict[str, Strategy] | None = None,
    erase: EraseHook | None = None,
) -> Declaration:
    """Declare a model's personal fields (idempotent: a module imported twice is fine)."""
    for name in fields or {}:
        model._meta.get_field(name)  # a typo fails loudly at start-up
    declaration = Declaration(model=model, path=path, fields=dict(fields or {}), erase=erase)
    _REGISTRY[declaration.label] = declaration
    return declaration


def declarations() -> list[Declaration]:
    """All declarations, the Mother first, then in a stable order."""
    return sorted(_REGISTRY.values(), key=lambda d: (d.path != "", d.label))


def declared(model: type[models.Model]) -> bool:
    return model._meta.label in _REGISTRY


def first_of(value: dt.date | None, *, month: bool) -> dt.date | None:
    if value is None:
        return None
    return value.replace(month=value.month if month else 1, day=1)
