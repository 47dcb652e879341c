"""Which column of an export holds what: form metadata, each item (by name, group path or
label, in any language the form was exported in), and a select_multiple's 0/1 choice
columns; and which instrument a file is, from its header."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext_lazy as _

from laktasi.imports.importers.answers import form_labels
from laktasi.imports.importers.base import Context
from laktasi.imports.parsers import FileRejected, header_key
from laktasi.instruments import registry

META = {
    "meta/instanceid": "instance", "meta-instanceid": "instance", "instanceid": "instance",
    "meta/rootuuid": "root", "key": "root", "_uuid": "uuid", "submission_uuid": "uuid",
    "uuid": "uuid", "_validation_status": "review",
    "end": "end", "_submission_time": "submission_time", "submissiondate": "submission_time",
    "collected_at": "collected_at", "mother_id": "mother_id", "nik": "nik",
    "timepoint": "timepoint", "followup_number": "followup_number", "observer": "observer",
}  # fmt: skip
IGNORED = {
    "_id", "start", "today", "deviceid", "username", "phonenumber", "subscriberid", "simserial",
    "_notes", "_status", "_submitted_by", "__version__", "_tags",
    "_index", "_xform_id_string", "formhub/uuid", "meta/deprecatedid",
    "laktasi_row", "laktasi_errors", "meta/instancename", "intro", "reviewstate", "submitterid", "submittername",
    "attachmentspresent", "attachmentsexpected", "status", "edits", "formversion",
    "_attachments", "_geolocation", "_media_all_received", "_total_media", "_media_count",
    "meta-instancename", "_parent_index", "_version_",
}  # fmt: skip


@lru_cache(maxsize=1)
def _all_known() -> frozenset[str]:
    known = set(META) | IGNORED
    for versions in registry.load_all().values():
        for definition in versions.values():
            known |= set(definition.item_ids)
            known |= set(form_labels(definition.id, definition.version).fields)
    return frozenset(known)


def _segments(header: str) -> list[str]:
    key = header_key(header)
    segs = [key]
    if "/" in key:
        segs = [s for s in key.split("/") if s]
    elif "-" in key:
        segs = [s for s in key.split("-") if s]
    return segs or [key]


def known_columns(cells: list[str]) -> int:
    """How many header cells name something a response file can hold (detects the header)."""
    known = _all_known()
    return sum(1 for c in cells if c and (header_key(c) in known or _segments(c)[-1] in known))


def _suffixes(key: str) -> list[str]:
    """``a/b/c`` → ``a/b/c``, ``b/c``, ``c`` (group paths before a label or name)."""
    sep = "/" if "/" in key else "-"
    parts = key.split(sep)
    return [sep.join(parts[i:]).strip() for i in range(len(parts))]


@dataclass
class Binding:
    meta: dict[str, int] = field(default_factory=dict)
    items: dict[str, int] = field(default_factory=dict)
    choices: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)

    def item_column(self, header: list[str], item_id: str) -> str:
        pos = self.items.get(item_id)
        if pos is None and item_id in self.choices:
            pos = self.choices[item_id][0][1]
        return header[pos] if pos is not None else item_id


def complete_choice_columns(item: registry.Item, b: Binding) -> bool:
    """Whether every choice of a select_multiple has its own 0/1 column in the file."""
    chosen = {choice for choice, _pos in b.choices.get(item.id, ())}
    return bool(chosen) and chosen >= set(item.choice_names)


def bind(header: list[str], definition: registry.InstrumentDefinition) -> Binding:
    """Assign each column to a metadata field, an item or a select_multiple choice."""
    labels = form_labels(definition.id, definition.version)
    items = {it.id: it for it in definition.items}
    b = Binding()
    for pos, name in enumerate(header):
        key = header_key(name)
        if not key:
            continue
        if not (
            _bind_by_name(b, pos, name, key, items) or _bind_by_label(b, pos, key, items, labels)
        ):
            b.ignored.append(name)
    return b


def _bind_by_name(b: Binding, pos: int, name: str, key: str, items: dict) -> bool:
    """Bind a column named as laktasi's form names things (also under a group path); True
    when bound or deliberately ignored (the tools' own bookkeeping columns)."""
    segs = _segments(name)
    last = segs[-1]
    target = META.get(key) or META.get(last)
    if target:
        b.meta.setdefault(target, pos)
        return True
    if key in IGNORED or last in IGNORED:
        return True
    if last in items:
        b.items.setdefault(last, pos)
        return True
    parent = items.get(segs[-2]) if len(segs) >= 2 else None
    if parent is not None and parent.type == "select_multiple" and last in parent.choice_names:
        b.choices.setdefault(parent.id, []).append((last, pos))
        return True
    return False


def _bind_by_label(b: Binding, pos: int, key: str, items: dict, labels) -> bool:
    """Bind a column headed by a question's or choice's label (an export "with labels")."""
    label_target = next((labels.fields[k] for k in _suffixes(key) if k in labels.fields), None)
    if label_target in META:
        b.meta.setdefault(META[label_target], pos)
        return True
    if label_target in items:
        b.items.setdefault(label_target, pos)
        return True
    if "/" not in key:
        return False
    parent, _sep, child = key.rpartition("/")
    item_id = next((labels.fields[k] for k in _suffixes(parent) if k in labels.fields), "")
    item = items.get(item_id or parent.rpartition("/")[2])
    if item and item.type == "select_multiple" and item.list_name:
        choice = labels.choices.get(item.list_name, {}).get(child)
        if choice:
            b.choices.setdefault(item.id, []).append((choice, pos))
            return True
    return False


def detect_instrument(header: list[str], ctx: Context) -> registry.InstrumentDefinition:
    """The instrument chosen by the user, or the one whose items the columns name best."""
    if ctx.instrument_id:
        try:
            return registry.get(ctx.instrument_id, ctx.instrument_version or None)
        except registry.UnknownInstrumentError as exc:
            raise FileRejected(_("Unknown instrument %(name)s."), name=ctx.instrument_id) from exc
    scored = []
    for versions in registry.load_all().values():
        for definition in versions.values():
            b = bind(header, definition)
            hits = len(b.items) + len(b.choices)
            scored.append((hits, definition.version_key, definition))
    scored.sort(key=lambda t: (t[0], t[1]), reverse=True)
    if not scored or scored[0][0] == 0:
        raise FileRejected(
            _("No instrument item was recognised in the header; choose the instrument.")
        )
    top = scored[0]
    rivals = [s for s in scored[1:] if s[0] == top[0] and s[2].id != top[2].id]
    if rivals:
        raise FileRejected(
            _("The columns fit several instruments (%(names)s); choose the instrument."),
            names=", ".join([top[2].id, *(r[2].id for r in rivals)]),
        )
    return top[2]


def item_columns(definition, b: Binding) -> list[tuple[registry.Item, Any]]:
    """(item, column position or tuple of choice-column positions) for bound items.

    A select_multiple exported both ways (KoboToolbox's "single and separate columns",
    ODK Central's "split select multiple") is read from its 0/1 columns when every
    choice has one (they cannot be ambiguous), else from its one column.
    """
    out = []
    for item in definition.items:
        if complete_choice_columns(item, b):
            out.append((item, tuple(pos for _choice, pos in b.choices[item.id])))
        elif item.id in b.items:
            out.append((item, b.items[item.id]))
    return out
