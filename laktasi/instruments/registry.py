"""Versioned instrument definitions: load, validate and look up.

Definitions are YAML files laid out as ``definitions/<instrument_id>/v<version>.yaml``
(schema: ``definitions/README.md``). Every file is validated when loaded; a broken file
raises :class:`InstrumentDefinitionError` naming the file, the item and the problem.
Old versions stay loadable so that old responses remain scorable.

Plain Python (PyYAML only): this module must not import Django.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from laktasi.instruments.definitions.model import (
    CATEGORY_CODES,
    CONFIDENCE_LABELS,
    KINDS,
    NOT_ASSESSED,
    RECALL_CLASSES,
    RESERVED_NAMES,
    Band,
    Choice,
    Condition,
    InstrumentDefinition,
    InstrumentDefinitionError,
    Item,
    LicensedText,
    RulesError,
    Source,
    Text,
    UnknownInstrumentError,
)
from laktasi.instruments.definitions.parsing import parse_definition
from laktasi.instruments.definitions.rules import (
    effective_rules,
)

__all__ = [
    "CATEGORY_CODES",
    "CONFIDENCE_LABELS",
    "DEFINITIONS_DIR",
    "KINDS",
    "NOT_ASSESSED",
    "RECALL_CLASSES",
    "RESERVED_NAMES",
    "Band",
    "Choice",
    "Condition",
    "InstrumentDefinition",
    "InstrumentDefinitionError",
    "Item",
    "LicensedText",
    "RulesError",
    "Source",
    "Text",
    "UnknownInstrumentError",
    "clear_cache",
    "effective_rules",
    "get",
    "load_all",
    "load_file",
    "merge_licensed_labels",
]

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"
# ---------------------------------------------------------------------------- YAML


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe loader (libyaml when present) rejecting duplicate keys instead of keeping the last."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_UniqueKeyLoader)  # noqa: S506 (safe subclass)
    except (OSError, yaml.YAMLError) as exc:
        raise InstrumentDefinitionError(path, f"cannot read YAML: {exc}") from exc


# ---------------------------------------------------------------------------- licensed labels


def merge_licensed_labels(
    definition: InstrumentDefinition, labels_path: Path
) -> InstrumentDefinition:
    """Return a copy of ``definition`` with item labels read from a licensed-text YAML file.

    The file is a list (or ``{items: [...]}``) of ``{id: <slot id>, en: <text>}`` or
    ``{id: <slot id>, label: {id: <Indonesian>, en: <English>}}``; every slot must be present.
    Indonesian falls back to English when only ``en`` is given.
    """
    data = _read_yaml(labels_path)
    entries = data.get("items") if isinstance(data, Mapping) else data
    if not isinstance(entries, list):
        raise InstrumentDefinitionError(labels_path, "expected a list of {id, en} entries")
    labels: dict[str, Text] = {}
    for entry in entries:
        slot = entry.get("id") if isinstance(entry, Mapping) else None
        if slot not in definition.item_ids or slot in labels:
            raise InstrumentDefinitionError(labels_path, "unknown or duplicate slot id", str(slot))
        if isinstance(entry.get("label"), Mapping):
            en = entry["label"].get("en")
            ind = entry["label"].get("id", en)
        else:
            en = ind = entry.get("en")
        if not isinstance(en, str) or not en.strip() or not isinstance(ind, str):
            raise InstrumentDefinitionError(labels_path, "label text missing", slot)
        labels[slot] = Text(ind.strip(), en.strip())
    missing = [i for i in definition.item_ids if i not in labels]
    if missing:
        raise InstrumentDefinitionError(labels_path, f"labels missing for slots {missing}")
    items = tuple(replace(it, label=labels[it.id]) for it in definition.items)
    return replace(definition, items=items, labels_path=labels_path)


# ---------------------------------------------------------------------------- public API


def load_file(path: Path | str, *, check_layout: bool = True) -> InstrumentDefinition:
    """Load and validate one definition file (licensed labels merged if their env var is set)."""
    path = Path(path)
    definition = parse_definition(_read_yaml(path), path, check_layout)
    lic = definition.licensed_item_text
    if lic and os.environ.get(lic.env):
        labels_path = Path(os.environ[lic.env])
        if not labels_path.is_file():
            raise InstrumentDefinitionError(labels_path, f"file named by ${lic.env} not found")
        definition = merge_licensed_labels(definition, labels_path)
    return definition


@functools.lru_cache(maxsize=8)
def _load_all_cached(root: str, env_key: tuple) -> Mapping[str, Mapping[str, InstrumentDefinition]]:
    result: dict[str, dict[str, InstrumentDefinition]] = {}
    for path in sorted(Path(root).glob("*/v*.y*ml")):
        definition = load_file(path)
        result.setdefault(definition.id, {})[definition.version] = definition
    return {
        iid: dict(sorted(versions.items(), key=lambda kv: kv[1].version_key))
        for iid, versions in sorted(result.items())
    }


def _env_key() -> tuple:
    return tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("LAKTASI_")))


def load_all(root: Path | str | None = None) -> dict[str, dict[str, InstrumentDefinition]]:
    """All definitions: ``{instrument_id: {version: InstrumentDefinition}}``, versions ascending.

    Results are cached per root and ``LAKTASI_*`` environment; see :func:`clear_cache`.
    """
    cached = _load_all_cached(str(Path(root or DEFINITIONS_DIR).resolve()), _env_key())
    return {iid: dict(versions) for iid, versions in cached.items()}


def clear_cache() -> None:
    """Forget loaded definitions (after editing files during development or tests)."""
    _load_all_cached.cache_clear()


def get(
    instrument_id: str, version: str | int | None = None, *, root: Path | str | None = None
) -> InstrumentDefinition:
    """Return one definition; the latest version when ``version`` is None.

    Raises UnknownInstrumentError (a LookupError) listing the available ids or versions.
    """
    everything = load_all(root)
    versions = everything.get(instrument_id)
    if not versions:
        raise UnknownInstrumentError(
            f"unknown instrument {instrument_id!r}; available: {', '.join(everything)}",
            list(everything),
        )
    if version is None:
        return list(versions.values())[-1]
    if str(version) not in versions:
        raise UnknownInstrumentError(
            f"{instrument_id} has no version {version!r}; available: {', '.join(versions)}",
            list(versions),
        )
    return versions[str(version)]
