"""Suggest the instrument, the column → item mapping and the answer → choice mapping.

Each column header is compared with every item's text in Indonesian and English
(:func:`laktasi.imports.mapping.text.similarity`); items are assigned greedily from the most
confident pair down, one column per item. Answers are matched to a choice's name or label
(either language) exactly, then to the usual words for true/false and yes/no, then fuzzily.
Every suggestion carries its confidence (0–100); the user confirms or corrects it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from laktasi.imports.mapping.googleforms import EMAIL, SCORE, TIMESTAMP, meta_kind
from laktasi.imports.mapping.spec import MappingSpec, answer_group, answer_key
from laktasi.imports.mapping.text import normalise, quick_similarity, similarity, tokens
from laktasi.imports.parsers import Table, clean_text
from laktasi.instruments import registry

MIN_CONFIDENCE = 60  # below this a column is left unmapped (the user may still map it)
SHORTLIST = 3
MAX_DISTINCT = 40  # distinct answers per choice list shown for mapping
TRUE_WORDS = {"benar", "true", "ya", "yes", "setuju", "betul", "b", "y", "1", "iya"}
FALSE_WORDS = {"salah", "false", "tidak", "no", "tidak setuju", "s", "n", "0", "tdk"}
IDENTIFIER_WORDS = {"laktasi", "mother id", "mother_id", "id ibu", "kode ibu", "id laktasi"}


@dataclass
class ColumnGuess:
    position: int
    header: str
    role: str = ""  # "timestamp", "email", "score", "item" or "" (not used)
    item_id: str = ""
    confidence: int = 0


@dataclass
class Suggestion:
    instrument: registry.InstrumentDefinition
    instrument_confidence: int
    columns: list[ColumnGuess]
    answers: dict[str, dict[str, tuple[str, int]]] = field(default_factory=dict)
    identifier_column: str = ""
    identifier_kind: str = ""

    def spec(self, *, timepoint: str = "", followup_number: int | None = None) -> MappingSpec:
        by_role = {c.role: c.header for c in self.columns if c.role in (TIMESTAMP, SCORE)}
        return MappingSpec(
            instrument=self.instrument.id,
            version=self.instrument.version,
            identifier_column=self.identifier_column,
            identifier_kind=self.identifier_kind,
            timepoint=timepoint,
            followup_number=followup_number,
            timestamp_column=by_role.get(TIMESTAMP, ""),
            score_column=by_role.get(SCORE, ""),
            columns={c.header: c.item_id for c in self.columns if c.role == "item"},
            answers={
                g: {raw: ch for raw, (ch, _c) in m.items() if ch} for g, m in self.answers.items()
            },
        )


def _item_texts(item: registry.Item) -> list[str]:
    label = item.label
    return [t for t in ((label.id, label.en) if label else ()) if t] + [item.id]


def _pairs(header: list[str], definition: registry.InstrumentDefinition):
    """(confidence, position, item id) for each plausible column–item pair."""
    texts = {it.id: _item_texts(it) for it in definition.items}
    token_sets = {iid: [tokens(t) for t in ts] for iid, ts in texts.items()}
    out = []
    for pos, name in enumerate(header):
        if not name or meta_kind(name):
            continue
        own = tokens(name)
        shortlist = sorted(
            (
                (max(quick_similarity(own, t) for t in sets), iid)
                for iid, sets in token_sets.items()
            ),
            reverse=True,
        )[:SHORTLIST]
        for _quick, iid in shortlist:
            best = max(similarity(name, t) for t in texts[iid])
            if best >= MIN_CONFIDENCE:
                out.append((best, pos, iid))
    return out


def suggest_columns(
    header: list[str], definition: registry.InstrumentDefinition
) -> list[ColumnGuess]:
    """One guess per column: metadata role, item (with confidence) or nothing."""
    guesses = [ColumnGuess(pos, name, meta_kind(name)) for pos, name in enumerate(header)]
    used_items: set[str] = set()
    for confidence, pos, iid in sorted(_pairs(header, definition), key=lambda p: (-p[0], p[1])):
        guess = guesses[pos]
        if guess.role or iid in used_items:
            continue
        guess.role, guess.item_id, guess.confidence = "item", iid, confidence
        used_items.add(iid)
    return guesses


def rank_instruments(header: list[str]) -> list[tuple[int, registry.InstrumentDefinition]]:
    """Every instrument's latest version with how well the header fits it (0–100): the
    mean confidence over its items, an item without a column counting 0."""
    ranked = []
    for versions in registry.load_all().values():
        definition = list(versions.values())[-1]
        guesses = suggest_columns(header, definition)
        total = sum(g.confidence for g in guesses if g.role == "item")
        ranked.append((round(total / max(len(definition.items), 1)), definition))
    ranked.sort(key=lambda t: (-t[0], t[1].id))
    return ranked


def _choice_guess(item: registry.Item, raw: str) -> tuple[str, int]:
    key = answer_key(raw)
    for choice in item.choices:
        names = {choice.name.lower(), answer_key(choice.label.id), answer_key(choice.label.en)}
        if key in names:
            return choice.name, 100
    names = set(item.choice_names)
    if {"true", "false"} <= names or {"yes", "no"} <= names:
        yes, no = ("true", "false") if "true" in names else ("yes", "no")
        if key in TRUE_WORDS:
            return yes, 90
        if key in FALSE_WORDS:
            return no, 90
    scored = [
        (max(similarity(raw, c.label.id), similarity(raw, c.label.en)), c.name)
        for c in item.choices
    ]
    best = max(scored, default=(0, ""))
    if best[0] >= 80 and [s for s, _n in scored].count(best[0]) == 1:
        return best[1], best[0]
    return "", 0


def split_multiple(item: registry.Item, text: str) -> list[str]:
    """A Google Forms checkbox answer (labels joined by ", ") as its parts: known labels are
    taken whole first, longest first (a label may itself contain a comma)."""
    rest, parts = text, []
    labels = sorted(
        {lab for c in item.choices for lab in (c.label.id, c.label.en) if lab},
        key=len,
        reverse=True,
    )
    for label in labels:
        if label in rest:
            parts.append(label)
            rest = rest.replace(label, ",")
    parts += [p.strip() for p in rest.split(",") if p.strip()]
    return parts


def distinct_answers(table: Table, position: int, item: registry.Item) -> list[str]:
    seen: dict[str, str] = {}
    for _row, cells in table.rows:
        value = clean_text(cells[position]) if position < len(cells) else ""
        if not value:
            continue
        for part in split_multiple(item, value) if item.type == "select_multiple" else [value]:
            seen.setdefault(answer_key(part), part)
        if len(seen) >= MAX_DISTINCT:
            break
    return list(seen.values())


def suggest_answers(
    table: Table, definition: registry.InstrumentDefinition, columns: dict[str, str]
) -> dict[str, dict[str, tuple[str, int]]]:
    """For each choice list of a mapped item: answer seen in the file → (choice, confidence)."""
    out: dict[str, dict[str, tuple[str, int]]] = {}
    position = {name: pos for pos, name in enumerate(table.header)}
    for column, item_id in columns.items():
        item = definition.item_map.get(item_id)
        if item is None or not item.choices or column not in position:
            continue
        target = out.setdefault(answer_group(item), {})
        for raw in distinct_answers(table, position[column], item):
            target.setdefault(answer_key(raw), _choice_guess(item, raw))
    return out


def suggest_identifier(header: Iterable[str]) -> tuple[str, str]:
    """(column, kind) when a header plainly names the laktasi ID or the NIK; never a name."""
    for name in header:
        norm = normalise(name)
        if "nik" in norm.split():
            return name, "nik"
        if any(word in f" {norm} " or word == norm for word in IDENTIFIER_WORDS):
            return name, "laktasi_id"
    return "", ""


def suggest(table: Table, *, instrument_id: str = "") -> Suggestion:
    """The whole suggestion for a file: the best-fitting (or the given) instrument, its
    columns, the answers and the identifier column."""
    if instrument_id:
        definition = registry.get(instrument_id)
        confidence = None
    else:
        confidence, definition = rank_instruments(table.header)[0]
    guesses = suggest_columns(table.header, definition)
    if confidence is None:
        confidence = round(
            sum(g.confidence for g in guesses if g.role == "item") / max(len(definition.items), 1)
        )
    ident_col, ident_kind = suggest_identifier(
        g.header for g in guesses if g.role not in ("item", TIMESTAMP, SCORE, EMAIL)
    )
    columns = {g.header: g.item_id for g in guesses if g.role == "item"}
    return Suggestion(
        instrument=definition,
        instrument_confidence=confidence,
        columns=guesses,
        answers=suggest_answers(table, definition, columns),
        identifier_column=ident_col,
        identifier_kind=ident_kind,
    )


def header_score(cells: list[Any]) -> int:
    """Header detection for a Google Forms file: the row with a Timestamp column and the
    most filled cells (Forms writes the header on the first row)."""
    texts = [clean_text(c) for c in cells]
    filled = sum(1 for t in texts if t)
    has_meta = any(meta_kind(t) == TIMESTAMP for t in texts)
    return filled + (1000 if has_meta else 0)
