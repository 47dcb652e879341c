"""Answers checked and normalised against an instrument definition, and which items count
(relevance, missing items): the half of scoring that every kind shares.

The accepted values are listed in :mod:`laktasi.instruments.scoring`. Plain Python: this
module must not import Django.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from laktasi.instruments.registry import (
    NOT_ASSESSED,
    RESERVED_NAMES,
    InstrumentDefinition,
    Item,
)


class AnswerError(ValueError):
    """An answer is invalid: unknown item or value out of range.

    ``item_id``, ``message_id`` (Indonesian) and ``message_en`` (English) are attributes.
    """

    def __init__(self, item_id: str, message_id: str, message_en: str):
        self.item_id = item_id
        self.message_id = message_id
        self.message_en = message_en
        super().__init__(f"{item_id}: {message_en} / {message_id}")


def _as_int(item: Item, value: Any) -> int:
    if isinstance(value, bool) or (isinstance(value, float) and value.is_integer()):
        value = int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if not isinstance(value, int):
        raise AnswerError(
            item.id, f"Nilai {value!r} bukan bilangan bulat.", f"{value!r} is not a whole number."
        )
    return value


def _in_range(item: Item, value: int, lo: int, hi: int) -> int:
    if not lo <= value <= hi:
        raise AnswerError(
            item.id,
            f"Nilai {value} di luar rentang {lo}–{hi}.",
            f"Value {value} is outside the range {lo}–{hi}.",
        )
    return value


def _choice(item: Item, value: Any) -> str:
    if isinstance(value, bool) and item.type in ("true_false", "yes_no"):
        value = {"true_false": ("false", "true"), "yes_no": ("no", "yes")}[item.type][value]
    if not isinstance(value, str) or value not in item.choice_names:
        allowed = ", ".join(item.choice_names)
        raise AnswerError(
            item.id,
            f"Pilihan {value!r} tidak dikenal; pilihan yang boleh: {allowed}.",
            f"Unknown choice {value!r}; allowed: {allowed}.",
        )
    return value


def _multi(item: Item, value: Any) -> tuple[str, ...] | None:
    names = value.split() if isinstance(value, str) else value
    if not isinstance(names, Iterable) or isinstance(names, Mapping):
        raise AnswerError(
            item.id, "Jawaban harus berupa daftar pilihan.", "Expected a list of choices."
        )
    chosen = {_choice(item, v) for v in names}
    if not chosen:
        return None
    exclusive = [c.name for c in item.choices if c.exclusive and c.name in chosen]
    if exclusive and len(chosen) > 1:
        raise AnswerError(
            item.id,
            f"Pilihan '{exclusive[0]}' tidak boleh digabung dengan pilihan lain.",
            f"Choice '{exclusive[0]}' cannot be combined with other choices.",
        )
    return tuple(n for n in item.choice_names if n in chosen)


def _number(definition: InstrumentDefinition, item: Item, value: Any) -> int | str:
    """A step, likert or integer answer: an int in its range (or "not assessed" for a step)."""
    if item.type == "step":
        if item.allow_not_assessed and value == NOT_ASSESSED:
            return NOT_ASSESSED
        return _in_range(item, _as_int(item, value), 0, definition.scoring["top_level"])
    if isinstance(value, bool):
        if item.type == "likert":
            raise AnswerError(
                item.id, "Nilai skala harus angka.", "A scale value must be a number."
            )
        raise AnswerError(item.id, "Nilai harus angka.", "The value must be a number.")
    if item.type == "likert":
        return _in_range(item, _as_int(item, value), definition.scale_min, definition.scale_max)
    return _in_range(item, _as_int(item, value), item.min, item.max)


def _normalise_value(definition: InstrumentDefinition, item: Item, value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if item.type in ("true_false", "yes_no", "sign", "select_one"):
        return _choice(item, value.strip() if isinstance(value, str) else value)
    if item.type == "select_multiple":
        return _multi(item, value)
    if item.type in ("step", "likert", "integer"):
        return _number(definition, item, value)
    if not isinstance(value, str):
        raise AnswerError(item.id, "Jawaban harus berupa teks.", "The answer must be text.")
    return value.strip()


def normalise_answers(definition: InstrumentDefinition, answers: Mapping[str, Any]) -> dict:
    """Validate ``answers`` and return them in canonical form (unanswered items omitted).

    Raises AnswerError for an unknown item id or an out-of-range value.
    """
    if not isinstance(answers, Mapping):
        raise TypeError("answers must be a mapping of item id to value")
    items = definition.item_map
    out = {}
    for key, value in answers.items():
        if key in RESERVED_NAMES:
            continue
        item = items.get(key)
        if item is None:
            raise AnswerError(
                str(key),
                f"Butir '{key}' tidak ada dalam instrumen {definition.id} v{definition.version}.",
                f"Item '{key}' is not part of instrument {definition.id} v{definition.version}.",
            )
        norm = _normalise_value(definition, item, value)
        if norm is not None:
            out[key] = norm
    return out


def is_relevant(item: Item, answers: Mapping[str, Any]) -> bool:
    """Evaluate the item's relevance condition; a missing referenced answer means False."""
    cond = item.relevant
    if cond is None:
        return True
    value = answers.get(cond.item)
    if value is None:
        return False
    if cond.op == "equals":
        return value == cond.value
    if cond.op == "not_equals":
        return value != cond.value
    if cond.op == "selected":
        return cond.value in value
    return value >= cond.value


def missing_items(definition: InstrumentDefinition, answers: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(
        it.id
        for it in definition.items
        if it.required and it.id not in answers and is_relevant(it, answers)
    )
