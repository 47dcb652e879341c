"""Cell values of an export → answer values, for every way KoboToolbox and ODK Central write
them: XML values (choice names), labels in either language, select_multiple as one column
(names or labels joined by spaces) or one 0/1 column per choice.

Labels are matched whole against the form's own labels (the XLSForm laktasi wrote), never
guessed: a select_multiple cell of labels is split into known labels, longest first, and a cell
that can be split in two ways that mean different answers is refused with the column named.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext_lazy as _

from laktasi.imports.parsers import FORMULA, CellError, clean_text, header_key, parse_int
from laktasi.instruments import registry
from laktasi.instruments.xlsform import build_sheets

TRUE_WORDS = frozenset({"1", "true", "benar", "b", "ya", "yes", "y", "iya"})
FALSE_WORDS = frozenset({"0", "false", "salah", "s", "tidak", "no", "n", "t"})
MAX_WORDS = 60  # a select_multiple cell longer than this is not split (cost is quadratic)

MSG_FORMULA = _("Formulas are not read; copy the column and paste it as values.")
MSG_NUMBER_OR_LABEL = _("Expected a whole number or one of the answers %(labels)s, got %(value)s.")
MSG_UNKNOWN_CHOICES = _(
    "%(value)s is not a choice of this question, nor a list of its choices (known: %(labels)s)."
)
MSG_AMBIGUOUS_CHOICES = _(
    "The answers %(value)s can be read in more than one way (%(readings)s); export the "
    "question with XML values (choice names) or as one column per choice."
)
MSG_CHOICE_01 = _("Expected 1 (chosen) or 0, got %(value)s.")


@dataclass(frozen=True)
class FormLabels:
    """Names by label (both languages) for one instrument version, from its XLSForm."""

    fields: dict[str, str]
    choices: dict[str, dict[str, str]]


@lru_cache(maxsize=64)
def form_labels(instrument_id: str, version: str) -> FormLabels:
    definition = registry.get(instrument_id, version)
    sheets = build_sheets(definition, langs=("id", "en"))
    fields: dict[str, str] = {}
    for row in sheets["survey"]:
        for key, value in row.items():
            if key.startswith("label::") and value:
                fields.setdefault(header_key(str(value)), row["name"])
    choices: dict[str, dict[str, str]] = {}
    for row in sheets["choices"]:
        target = choices.setdefault(row["list_name"], {})
        target[header_key(row["name"])] = row["name"]
        for key, value in row.items():
            if key.startswith("label::") and value:
                target.setdefault(header_key(str(value)), row["name"])
    return FormLabels(fields, choices)


def _known(item: registry.Item, labels: FormLabels) -> dict[str, str]:
    return labels.choices.get(item.list_name or "", {})


def _shown_labels(item: registry.Item) -> str:
    return ", ".join(f"«{c.label.get('id')}»" for c in item.choices if c.label)[:300]


def choice_value(item: registry.Item, text: str, labels: FormLabels) -> str:
    """A choice name from a name or a label (either language); unknown text unchanged, so
    that the one scoring module rejects it with its own message."""
    if text in item.choice_names:
        return text
    low = text.lower()
    if low in item.choice_names:
        return low
    by_label = _known(item, labels).get(header_key(text))
    if by_label:
        return by_label
    if item.type == "true_false":
        return "true" if low in TRUE_WORDS else "false" if low in FALSE_WORDS else text
    if item.type == "yes_no":
        return "yes" if low in TRUE_WORDS else "no" if low in FALSE_WORDS else text
    return text


def _scale_value(item: registry.Item, raw: Any, labels: FormLabels) -> int | None:
    """A step or Likert answer: the number, or its label (``Dilakukan dengan benar``,
    ``Ragu-ragu``, ``Done correctly``…) as KoboToolbox's label exports write it."""
    try:
        return parse_int(raw)
    except CellError:
        text = clean_text(raw)
        name = _known(item, labels).get(header_key(text))
        if name is None or not name.lstrip("-").isdigit():
            raise CellError(
                MSG_NUMBER_OR_LABEL, labels=_shown_labels(item), value=text[:60]
            ) from None
        return int(name)


def _readings(words: list[str], known: dict[str, str]) -> list[tuple[str, ...]]:
    """Every way to cut ``words`` into known labels or names (longest piece first), as the
    distinct sets of choice names they mean; at most two (two already means ambiguous)."""
    n = len(words)
    # ways[i]: the distinct readings of words[i:], each a tuple of names (up to two kept)
    ways: list[list[tuple[str, ...]]] = [[] for _ in range(n + 1)]
    ways[n] = [()]
    for i in range(n - 1, -1, -1):
        found: list[tuple[str, ...]] = []
        for j in range(n, i, -1):  # longest piece first
            name = known.get(header_key(" ".join(words[i:j])))
            if name is None:
                continue
            for rest in ways[j]:
                reading = tuple(sorted({name, *rest}))
                if reading not in found:
                    found.append(reading)
            if len(found) > 1:
                break
        ways[i] = found[:2]
    return ways[0]


def multi_value(item: registry.Item, text: str, labels: FormLabels) -> list[str]:
    """A select_multiple cell: names or labels joined by spaces (KoboToolbox and ODK Central
    join the selected choices with a space, labels included, so multi-word labels such as
    «ASI dirasa kurang atau belum keluar» are matched whole)."""
    words = text.split(" ")
    names = set(item.choice_names)
    if all(w in names for w in words):
        return words
    if all(w.lower() in names for w in words):
        return [w.lower() for w in words]
    known = _known(item, labels)
    readings = _readings(words, known) if len(words) <= MAX_WORDS else []
    if not readings:
        raise CellError(MSG_UNKNOWN_CHOICES, value=text[:60], labels=_shown_labels(item))
    if len(readings) > 1:
        shown = " / ".join("+".join(r) for r in readings)
        raise CellError(MSG_AMBIGUOUS_CHOICES, value=text[:60], readings=shown)
    return list(readings[0])


# "Not assessed" for checklist steps that allow it (group practice over clothes, no time).
NOT_ASSESSED_WORDS = frozenset({"not_assessed", "not assessed", "tidak dinilai", "tidak_dinilai"})


def answer(item: registry.Item, raw: Any, labels: FormLabels) -> Any:
    """One cell → the answer value handed to ``scoring.normalise_answers``."""
    if raw is FORMULA:
        raise CellError(MSG_FORMULA)
    if item.allow_not_assessed and clean_text(raw).lower() in NOT_ASSESSED_WORDS:
        return registry.NOT_ASSESSED
    if item.type in ("step", "likert"):
        return _scale_value(item, raw, labels)
    if item.type == "integer":
        return parse_int(raw)
    text = clean_text(raw)
    if not text:
        return None
    if item.type == "select_multiple":
        return multi_value(item, text, labels)
    if item.type == "text":
        return text
    return choice_value(item, text, labels)


def chosen_from_columns(choices: list[tuple[str, int]], cells: tuple) -> list[str] | None:
    """One 0/1 column per choice → the chosen names; all blank → unanswered (None)."""
    chosen = []
    blank = True
    for (choice, _pos), value in zip(choices, cells, strict=True):
        if value is FORMULA:
            raise CellError(MSG_FORMULA)
        text = clean_text(value).lower()
        if not text:
            continue
        blank = False
        if text in TRUE_WORDS:
            chosen.append(choice)
        elif text not in FALSE_WORDS:
            raise CellError(MSG_CHOICE_01, value=text[:40])
    return None if blank else chosen
