"""Data classes and errors for instrument definitions (plain Python, no Django)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

KINDS = ("knowledge", "checklist", "smoothness", "likert", "interview", "recall")
LANGS = ("id", "en")
CONFIDENCE_LABELS = ("S", "S2", "U", "S2/U")
RESPONDENTS = ("mother", "observer", "interviewer")
# Names the XLSForm writer adds before the items; definitions may not use them.
RESERVED_NAMES = ("mother_id", "timepoint", "followup_number", "intro")
ITEM_TYPES = {
    "knowledge": ("true_false",),
    "checklist": ("step",),
    "smoothness": ("sign", "integer"),
    "likert": ("likert",),
    "interview": ("select_one", "select_multiple", "yes_no", "integer", "text"),
    "recall": ("yes_no", "integer"),
}
RECALL_CLASSES = (
    "breast_milk",
    "allowed",
    "water",
    "water_based",
    "milk_based_liquid",
    "non_human_milk",
    "solid",
)
CATEGORY_CODES = {
    "checklist": ("kompeten", "belum_kompeten"),
    "smoothness": ("lancar", "belum_lancar"),
    "recall": ("exclusive", "predominant", "partial", "mixed_milk", "not_breastfed"),
}
# Item, choice, tag and code names: valid XLSForm names, lower_snake_case.
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class InstrumentDefinitionError(ValueError):
    """A definition file is broken; the message names the file, the item and the problem."""

    def __init__(self, path: Path | str | None, problem: str, item_id: str | None = None):
        self.path = Path(path) if path else None
        self.item_id = item_id
        self.problem = problem
        where = str(self.path) if self.path else "<definition>"
        if item_id:
            where += f": item '{item_id}'"
        super().__init__(f"{where}: {problem}")


class RulesError(ValueError):
    """Scoring rules (in a file or passed as an override) are invalid."""


class UnknownInstrumentError(LookupError):
    """No definition with that id (or version); ``available`` lists what exists."""

    def __init__(self, message: str, available: Sequence[str]):
        self.available = tuple(available)
        super().__init__(message)


# ---------------------------------------------------------------------------- data classes


def _lang(lang: str) -> str:
    return "en" if lang.lower().replace("_", "-").split("-")[0] == "en" else "id"


@dataclass(frozen=True)
class Text:
    """A text in Indonesian (``id``) and English (``en``)."""

    id: str
    en: str

    def get(self, lang: str = "id") -> str:
        """Return the text in ``lang`` ("id"/"en", region suffixes allowed; default Indonesian)."""
        return self.en if _lang(lang) == "en" else self.id


@dataclass(frozen=True)
class Choice:
    """One answer option: ``name`` is stored in answers and in the XLSForm."""

    name: str
    label: Text
    tags: tuple[str, ...] = ()
    exclusive: bool = False


@dataclass(frozen=True)
class Condition:
    """Relevance condition on an earlier item (``op``: equals, not_equals, selected, at_least)."""

    item: str
    op: str
    value: str | int


@dataclass(frozen=True)
class Source:
    """A reference for the whole instrument, with its confidence label from FACTS.md."""

    ref: str
    confidence: str


@dataclass(frozen=True)
class Band:
    """A category band: the category applies when the value is >= ``min`` (exact Fraction)."""

    code: str
    min: Fraction
    label: Text


NOT_ASSESSED = "not_assessed"  # a checklist step the observer could not assess


@dataclass(frozen=True)
class Item:
    """One question, statement, checklist step or sign of an instrument."""

    id: str
    type: str
    label: Text | None
    source: str
    confidence: str
    hint: Text | None = None
    required: bool = True
    choices: tuple[Choice, ...] = ()
    list_name: str | None = None
    key: bool | None = None
    rationale: Text | None = None
    critical: bool = False
    critical_reason: Text | None = None
    reverse: bool = False
    min: int | None = None
    max: int | None = None
    tags: tuple[str, ...] = ()
    group: str | None = None
    relevant: Condition | None = None
    recall_class: str | None = None
    flags: tuple[str, ...] = ()
    demo_range: tuple[int, int] | None = None
    placeholder: Text | None = None
    # checklist steps only: the observer may answer NOT_ASSESSED (e.g. group practice over
    # clothing); the step then leaves the score's denominator. Never a critical step.
    allow_not_assessed: bool = False

    def label_for(self, lang: str = "id") -> str:
        """The item text in ``lang``; licensed items without text give their slot placeholder."""
        text = self.label or self.placeholder
        return text.get(lang) if text else self.id

    @cached_property
    def choice_names(self) -> tuple[str, ...]:
        """Names of the allowed choices (empty for integer/text items)."""
        return tuple(c.name for c in self.choices)

    def choice(self, name: str) -> Choice:
        """Return the choice called ``name`` (KeyError if absent)."""
        for c in self.choices:
            if c.name == name:
                return c
        raise KeyError(name)


@dataclass(frozen=True)
class LicensedText:
    """Item text is licensed: not shipped, optionally merged from the file named by ``env``."""

    env: str
    placeholder: Text
    notice: Text


@dataclass(frozen=True)
class InstrumentDefinition:
    """One validated instrument version. ``scoring`` holds the parsed default rules."""

    id: str
    version: str
    kind: str
    title_text: Text = field(repr=False)
    description_text: Text = field(repr=False)
    validated: bool
    license: str = field(repr=False)
    sources: tuple[Source, ...] = field(repr=False)
    items: tuple[Item, ...] = field(repr=False)
    scoring: Mapping[str, Any] = field(repr=False)
    raw_scoring: Mapping[str, Any] = field(repr=False)
    path: Path | None = None
    respondent: str = "mother"
    notes: Text | None = field(default=None, repr=False)
    scale_min: int | None = None
    scale_max: int | None = None
    licensed_item_text: LicensedText | None = None
    labels_path: Path | None = None

    def __hash__(self) -> int:
        return hash((self.id, self.version, self.labels_path))

    def title(self, lang: str = "id") -> str:
        """Title in ``lang``."""
        return self.title_text.get(lang)

    def description(self, lang: str = "id") -> str:
        """Description in ``lang``."""
        return self.description_text.get(lang)

    def item(self, item_id: str) -> Item:
        """Return the item with id ``item_id`` (KeyError if absent)."""
        return self.item_map[item_id]

    @cached_property
    def item_map(self) -> Mapping[str, Item]:
        """Items by id (read-only)."""
        return MappingProxyType({it.id: it for it in self.items})

    @cached_property
    def item_ids(self) -> tuple[str, ...]:
        """Item ids in form order."""
        return tuple(it.id for it in self.items)

    @property
    def version_key(self) -> tuple[int, ...]:
        """Sortable version ("1.10" > "1.9")."""
        return tuple(int(p) for p in self.version.split("."))

    @property
    def form_id(self) -> str:
        """XLSForm/ODK form id: ``laktasi_<id>_v<version>`` (dots become underscores)."""
        return f"laktasi_{self.id}_v{self.version.replace('.', '_')}"
