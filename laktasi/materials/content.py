"""Load, localise and validate the bilingual education content in ``content/*.yaml``.

The YAML files are the single source of the health text used by the leaflets, the
facilitator's guide, the phone step-by-step guide and the Q&A knowledge base.

Conventions (checked by :func:`content_problems`):

* A mapping with exactly the keys ``id`` and ``en`` is a *bilingual text*: Indonesian and
  English. Both must be non-empty strings.
* Every topic, block, step, QA entry and checklist carries ``facts``: a list of references to
  ``FACTS.md`` sections (e.g. ``"§1.2 #7"``) so each statement can be traced to its source.
* ``sources`` lists ids defined in ``content/sources.yaml``.
* Every topic, block and QA entry carries ``confidence``: the FACTS label of its weakest
  statement (``S`` sourced, ``S2`` secondary, ``U`` unsourced default). Items may override it.
  ``U`` content, and anything with ``review: midwife``, is flagged "to be reviewed by a
  midwife" on the content sign-off page (``signoff.py``).
* :func:`content_version` names the content release plus a digest of every content file, so
  a printed leaflet or guide can be matched to the sign-off table it was approved with.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

CONTENT_DIR = Path(__file__).resolve().parent / "content"
LANGUAGES = ("id", "en")
TOPICS = ("key_messages", "oxytocin_massage", "marmet", "storage", "enough_milk", "danger_signs")
CONFIDENCE_LABELS = ("S", "S2", "U")
#: Bump when the content is released to programs; the digest changes with every file edit.
CONTENT_RELEASE = "2026.12.2"
FACT_REF = re.compile(r"^§\d+(\.\d+)?(\s.+)?$")
NBSP = "\u00a0"
WORD_JOINER = "\u2060"
# Keep numbers with their units and comparison signs with their numbers on one line.
_UNITS = (
    r"(?:°C|menit|mnt|minutes|min|jam|hours|hari|days|bulan|months|minggu|weeks|mL|cm|kali|times)"
)
_TYPESET = (
    (re.compile(r"([≤≥±<>]) (?=[\d−-])"), rf"\1{NBSP}"),
    (re.compile(rf"(\d) (?={_UNITS}\b)"), rf"\1{NBSP}"),
    (re.compile(r" (?=°C)"), NBSP),
    (re.compile(r"(\d)–(?=\d)"), rf"\1{WORD_JOINER}–{WORD_JOINER}"),
)
_QUOTES = re.compile(r'"([^"\n]+)"')


class ContentError(ValueError):
    """Raised for unknown languages, topics or malformed content."""


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a supported content language, else raise ContentError."""
    if lang not in LANGUAGES:
        raise ContentError(f"unsupported language {lang!r}; expected one of {LANGUAGES}")
    return lang


def is_bilingual(node: Any) -> bool:
    """True if ``node`` is a bilingual text mapping ``{"id": ..., "en": ...}``."""
    return isinstance(node, dict) and set(node) == set(LANGUAGES)


@cache
def load_raw(name: str) -> dict[str, Any]:
    """Load ``content/<name>.yaml`` (cached; treat the result as read-only)."""
    path = CONTENT_DIR / f"{name}.yaml"
    if not path.is_file():
        raise ContentError(f"no content file {path.name}")
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict):
        raise ContentError(f"{path.name} must hold a mapping")
    return data


@cache
def content_version() -> str:
    """The content release and a digest of every ``content/*.yaml`` ("2026.12.2-1a2b3c4d")."""
    digest = hashlib.sha256()
    for path in sorted(CONTENT_DIR.glob("*.yaml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return f"{CONTENT_RELEASE}-{digest.hexdigest()[:8]}"


def needs_review(node: dict[str, Any], *, inherited: str = "") -> bool:
    """True when a block, item or QA entry must be reviewed by a midwife ([U] or flagged)."""
    return node.get("review") == "midwife" or node.get("confidence", inherited) == "U"


def typeset(text: str) -> str:
    """Keep "≤ 25 °C" or "2–3 menit" on one line (no-break spaces, word joiners); "x" -> “x”."""
    for pattern, replacement in _TYPESET:
        text = pattern.sub(replacement, text)
    return _QUOTES.sub("\u201c\\1\u201d", text)


def localize(node: Any, lang: str) -> Any:
    """Return a copy of ``node`` with every bilingual text replaced by its ``lang`` string.

    The chosen strings pass through :func:`typeset` (no-break spaces before units).
    """
    if is_bilingual(node):
        return typeset(node[lang])
    if isinstance(node, dict):
        return {key: localize(value, lang) for key, value in node.items()}
    if isinstance(node, list):
        return [localize(value, lang) for value in node]
    return node


def topic(name: str, *, lang: str) -> dict[str, Any]:
    """A content topic localised to ``lang``.

    The result has the topic's keys plus ``blocks`` as a dict keyed by block id (for
    templates: ``massage.blocks.steps.steps``) and ``block_list`` in file order.
    """
    check_lang(lang)
    data = localize(load_raw(name), lang)
    blocks = data.get("blocks", [])
    data["block_list"] = blocks
    data["blocks"] = {block["id"]: block for block in blocks}
    return data


def sources(*, lang: str, ids: list[str] | None = None) -> list[dict[str, Any]]:
    """Sources from ``sources.yaml`` in file order, optionally only the given ``ids``."""
    check_lang(lang)
    all_sources = localize(load_raw("sources")["sources"], lang)
    if ids is None:
        return all_sources
    wanted = set(ids)
    unknown = wanted - {src["id"] for src in all_sources}
    if unknown:
        raise ContentError(f"unknown source ids: {sorted(unknown)}")
    return [src for src in all_sources if src["id"] in wanted]


def topic_source_ids(names: list[str] | tuple[str, ...]) -> list[str]:
    """The union of the ``sources`` of the given topics, in first-seen order."""
    seen: dict[str, None] = {}
    for name in names:
        for source_id in load_raw(name).get("sources", []):
            seen.setdefault(source_id, None)
    return list(seen)


def labels(*, lang: str) -> dict[str, str]:
    """Interface strings (headings, button labels) from ``labels.yaml`` in ``lang``."""
    check_lang(lang)
    return localize(load_raw("labels")["labels"], lang)


def qa_entries(*, lang: str | None = None) -> list[dict[str, Any]]:
    """The Q&A knowledge-base entries, raw (bilingual) or localised to ``lang``."""
    entries = load_raw("qa")["entries"]
    if lang is None:
        return entries
    check_lang(lang)
    return localize(entries, lang)


def qa_topics(*, lang: str) -> dict[str, str]:
    """Q&A topic id -> localised topic title."""
    check_lang(lang)
    return localize(load_raw("qa")["topics"], lang)


# --- validation -------------------------------------------------------------------------

_NEEDS_FACTS = ("steps", "items", "rows", "checklists", "rounds")


def _walk_bilingual(node: Any, where: str, problems: list[str]) -> None:
    if is_bilingual(node):
        for lang in LANGUAGES:
            value = node[lang]
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{where}: empty or non-string {lang!r} text")
        return
    if isinstance(node, dict):
        if "id" in node and "en" in node:
            problems.append(f"{where}: mapping mixes a bilingual text with other keys")
        for key, value in node.items():
            _walk_bilingual(value, f"{where}.{key}", problems)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _walk_bilingual(value, f"{where}[{index}]", problems)


def _check_facts(node: dict[str, Any], where: str, problems: list[str]) -> None:
    facts = node.get("facts")
    if not isinstance(facts, list) or not facts:
        problems.append(f"{where}: missing facts list")
        return
    for ref in facts:
        if not isinstance(ref, str) or not FACT_REF.match(ref):
            problems.append(f"{where}: malformed fact reference {ref!r}")


def _check_confidence(node: dict[str, Any], where: str, problems: list[str], *, required: bool):
    label = node.get("confidence")
    if label is None and not required:
        return
    if label not in CONFIDENCE_LABELS:
        problems.append(f"{where}: confidence must be one of {CONFIDENCE_LABELS}, not {label!r}")


def _check_block(block: dict[str, Any], where: str, problems: list[str]) -> None:
    _check_facts(block, where, problems)
    _check_confidence(block, where, problems, required=True)
    for key in ("items", "steps"):
        for index, child in enumerate(block.get(key, [])):
            if isinstance(child, dict):
                _check_confidence(child, f"{where}.{key}[{index}]", problems, required=False)
    for key in _NEEDS_FACTS:
        for index, child in enumerate(block.get(key, [])):
            # Plain bilingual list items (e.g. an equipment list) are covered by the block.
            needs_facts = key in ("steps", "rows", "checklists") or "facts" in child
            if isinstance(child, dict) and not is_bilingual(child) and needs_facts:
                _check_facts(child, f"{where}.{key}[{index}]", problems)
    if block.get("review") and not is_bilingual(block.get("review_note")):
        problems.append(f"{where}: a block under review needs a bilingual review_note")


def content_problems() -> list[str]:
    """Return a list of problems in the content files (empty when all is well)."""
    problems: list[str] = []
    source_ids = {src["id"] for src in load_raw("sources")["sources"]}
    for name in (*TOPICS, "facilitator_guide"):
        data = load_raw(name)
        _walk_bilingual(data, name, problems)
        _check_facts(data, name, problems)
        _check_confidence(data, name, problems, required=True)
        _check_sources(data, name, source_ids, problems)
        for block in data.get("blocks", []):
            _check_block(block, f"{name}.{block.get('id')}", problems)
    qa = load_raw("qa")
    _walk_bilingual(qa, "qa", problems)
    seen: set[str] = set()
    for entry in qa["entries"]:
        where = f"qa.{entry.get('id')}"
        if entry.get("id") in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(entry.get("id"))
        _check_qa_entry(entry, where, qa["topics"], source_ids, problems)
    guide_qa = load_raw("facilitator_guide")
    for block in guide_qa["blocks"]:
        for qa_id in block.get("qa_ids", []):
            if qa_id not in seen:
                problems.append(f"facilitator_guide.{block['id']}: unknown qa id {qa_id!r}")
    _walk_bilingual(load_raw("labels"), "labels", problems)
    return problems


def _check_sources(data: dict, where: str, source_ids: set[str], problems: list[str]) -> None:
    for source_id in data.get("sources", []):
        if source_id not in source_ids:
            problems.append(f"{where}: unknown source {source_id!r}")


def _check_qa_entry(
    entry: dict, where: str, topics, source_ids: set[str], problems: list[str]
) -> None:
    _check_facts(entry, where, problems)
    _check_confidence(entry, where, problems, required=True)
    for key in ("question", "answer", "seek_help"):
        if not is_bilingual(entry.get(key)):
            problems.append(f"{where}: {key} must be bilingual")
    if not entry.get("keywords_id"):
        problems.append(f"{where}: keywords_id is empty")
    if entry.get("topic") not in topics:
        problems.append(f"{where}: unknown topic {entry.get('topic')!r}")
    _check_sources(entry, where, source_ids, problems)
    if not entry.get("sources"):
        problems.append(f"{where}: no sources")
