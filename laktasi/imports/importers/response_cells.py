"""A response row's answer cells read, checked and normalised item by item, each distinct
raw value converted once (a file repeats the same few values)."""

from __future__ import annotations

import contextlib
from typing import Any

from django.utils import translation

from laktasi.imports.importers.answers import answer, chosen_from_columns
from laktasi.imports.importers.base import cell
from laktasi.imports.importers.binding import Binding
from laktasi.imports.parsers import CellError
from laktasi.instruments import scoring


def memo(cache: dict, parse, raw) -> tuple[Any, CellError | None]:
    """``(parse(raw), None)`` or ``(None, the CellError)``, computed once per raw value."""
    try:
        return cache[raw]
    except (KeyError, TypeError):  # not seen yet, or unhashable (then parsed every time)
        pass
    try:
        out = (parse(raw), None)
    except CellError as exc:
        out = (None, exc)
    with contextlib.suppress(TypeError):
        cache[raw] = out
    return out


def row_answers(c, columns, caches, definition, b, header, labels, plan):
    """The row's answers, validated and normalised item by item (None if rejected).

    Each item's value is converted once per distinct raw cell value (a file repeats
    the same few values), through the same ``scoring.normalise_answers`` as every
    other path into laktasi.
    """
    answers: dict[str, Any] = {}
    ok = True
    cells = c.cells
    width = len(cells)
    for item, pos in columns:
        if type(pos) is int:
            raw = cells[pos] if pos < width else None
            try:
                outcome = caches[item.id][raw]
            except (KeyError, TypeError):
                outcome = _convert_cached(caches[item.id], item, raw, b, definition, labels)
        else:
            raw = tuple(cells[p] if p < width else None for p in pos)
            outcome = caches[item.id].get(raw)
            if outcome is None:
                outcome = caches[item.id][raw] = convert(item, raw, b, definition, labels)
        if isinstance(outcome, Exception):
            first = pos if type(pos) is int else pos[0]
            message = (
                outcome.render() if isinstance(outcome, CellError) else answer_message(outcome)
            )
            plan.reject(c.row, header[first], cell(cells, first), message)
            ok = False
        elif outcome[0] is not None:
            answers[item.id] = outcome[0]
    return answers if ok else None


def _convert_cached(cache, item, raw, b, definition, labels):
    outcome = convert(item, raw, b, definition, labels)
    with contextlib.suppress(TypeError):  # an unhashable cell value: converted each time
        cache[raw] = outcome
    return outcome


def answer_message(exc: scoring.AnswerError) -> str:
    lang = translation.get_language() or "id"
    return exc.message_id if lang.startswith("id") else exc.message_en


def convert(item, raw, b: Binding, definition, labels):
    """(normalised value,) or the exception that rejects the cell."""
    try:
        if type(raw) is tuple:  # one 0/1 column per choice (see item_columns)
            value = chosen_from_columns(b.choices[item.id], raw)
        else:
            value = answer(item, raw, labels)
        norm = scoring.normalise_answers(definition, {item.id: value})
    except (CellError, scoring.AnswerError) as exc:
        return exc
    return (norm.get(item.id),)


def scored(c, norm, scorer, withheld, details_json, b: Binding, header, plan):
    """(score %, category, complete, details JSON) of a row's answers; None when rejected."""
    try:
        result = scorer.score_normalised(norm)
    except scoring.AnswerError as exc:
        column = b.item_column(header, exc.item_id)
        value = cell(c.cells, b.items.get(exc.item_id))
        plan.reject(c.row, column, value, answer_message(exc))
        return None
    return withheld or (
        result.score_pct,
        result.category or "",
        result.complete,
        details_json(result.details),
    )
