"""Write an instrument definition as an XLSForm workbook (ODK Collect / KoboToolbox / Enketo).

The form starts with three fields the lead's import relies on:

- ``mother_id`` (text): the mother's laktasi identifier, ``LK-`` + 8 characters of the
  RFC 4648 base32 alphabet (A–Z, 2–7), checked with ``regex(., '^LK-[A-Z2-7]{8}$')``;
- ``timepoint`` (select_one pre/post/followup);
- ``followup_number`` (integer 1–99, only when timepoint is followup);

then an ``intro`` note with the instrument description, then the items. Settings:
``form_id`` = ``laktasi_<id>_v<version>``, ``version`` = the definition version,
``default_language`` = the first language. Answer keys and rationales are never written.

Plain Python + openpyxl: this module must not import Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from os import PathLike
from typing import IO, Any

from openpyxl import Workbook

from laktasi.instruments.registry import Choice, InstrumentDefinition, Item, Text

LANGUAGE_NAMES = {"id": "Indonesian (id)", "en": "English (en)"}
MOTHER_ID_REGEX = "^LK-[A-Z2-7]{8}$"
MOTHER_ID_CONSTRAINT = f"regex(., '{MOTHER_ID_REGEX}')"
_TRANSLATED = ("label", "hint", "required_message", "constraint_message")
_REQUIRED_MSG = Text("Wajib diisi.", "This answer is required.")
_CRITICAL = Text("Langkah kritis.", "Critical step.")
_TIMEPOINT = (
    Choice("pre", Text("Sebelum (pre)", "Before (pre)")),
    Choice("post", Text("Sesudah (post)", "After (post)")),
    Choice("followup", Text("Tindak lanjut", "Follow-up")),
)


def _t(text: Text | None, langs: Sequence[str], column: str) -> dict[str, str]:
    if text is None:
        return {}
    return {f"{column}::{LANGUAGE_NAMES[lg]}": text.get(lg) for lg in langs}


def _header_rows(definition: InstrumentDefinition, langs: Sequence[str]) -> list[dict[str, Any]]:
    required = {"required": "yes", **_t(_REQUIRED_MSG, langs, "required_message")}
    return [
        {
            "type": "text",
            "name": "mother_id",
            **_t(Text("ID ibu (laktasi)", "Mother's laktasi ID"), langs, "label"),
            **_t(Text("Contoh: LK-ABCD2345", "Example: LK-ABCD2345"), langs, "hint"),
            **required,
            "constraint": MOTHER_ID_CONSTRAINT,
            **_t(
                Text(
                    "Format: LK- lalu 8 huruf besar A–Z atau angka 2–7.",
                    "Format: LK- then 8 capital letters A–Z or digits 2–7.",
                ),
                langs,
                "constraint_message",
            ),
        },
        {
            "type": "select_one timepoint",
            "name": "timepoint",
            **_t(Text("Waktu pengukuran", "Measurement time point"), langs, "label"),
            **required,
        },
        {
            "type": "integer",
            "name": "followup_number",
            **_t(Text("Tindak lanjut ke-", "Follow-up number"), langs, "label"),
            **required,
            "relevant": "${timepoint} = 'followup'",
            "constraint": ". >= 1 and . <= 99",
            **_t(Text("Isi 1 sampai 99.", "Enter 1 to 99."), langs, "constraint_message"),
        },
        {
            "type": "note",
            "name": "intro",
            **_t(definition.title_text, langs, "label"),
            **_t(definition.description_text, langs, "hint"),
        },
    ]


def _relevant(item: Item) -> str:
    c = item.relevant
    if c is None:
        return ""
    if c.op == "selected":
        return f"selected(${{{c.item}}}, '{c.value}')"
    if c.op == "at_least":
        return f"${{{c.item}}} >= {c.value}"
    return f"${{{c.item}}} {'=' if c.op == 'equals' else '!='} '{c.value}'"


def _item_row(definition: InstrumentDefinition, item: Item, langs: Sequence[str]) -> dict:
    label = item.label or item.placeholder
    hint = item.hint
    if item.critical:
        hint = Text(*(" ".join(filter(None, (_CRITICAL.get(lg), hint and hint.get(lg))))
                      for lg in ("id", "en")))  # fmt: skip
    row: dict[str, Any] = {
        "type": item.type if not item.list_name else f"{_xls_type(item)} {item.list_name}",
        "name": item.id,
        **_t(label, langs, "label"),
        **_t(hint, langs, "hint"),
        "relevant": _relevant(item),
    }
    if item.required:
        row.update(required="yes", **_t(_REQUIRED_MSG, langs, "required_message"))
    if item.type == "integer":
        row["constraint"] = f". >= {item.min} and . <= {item.max}"
        msg = Text(f"Isi {item.min} sampai {item.max}.", f"Enter {item.min} to {item.max}.")
        row.update(_t(msg, langs, "constraint_message"))
    exclusive = [c.name for c in item.choices if c.exclusive]
    if item.type == "select_multiple" and exclusive:
        row["constraint"] = " and ".join(
            f"not(selected(., '{name}') and count-selected(.) > 1)" for name in exclusive
        )
        msg = Text(
            "Pilihan 'tidak ada' tidak boleh digabung dengan pilihan lain.",
            "'None' cannot be combined with other options.",
        )
        row.update(_t(msg, langs, "constraint_message"))
    if item.type == "likert":
        row["appearance"] = "likert"
    if item.type == "text":
        row["appearance"] = "multiline"
    return row


def _xls_type(item: Item) -> str:
    return "select_multiple" if item.type == "select_multiple" else "select_one"


def build_sheets(
    definition: InstrumentDefinition, *, langs: Sequence[str] = ("id", "en")
) -> dict[str, list[dict[str, Any]]]:
    """Return the survey, choices and settings sheets as lists of row dicts."""
    unknown = [lg for lg in langs if lg not in LANGUAGE_NAMES]
    if not langs or unknown:
        raise ValueError(f"langs must be drawn from {sorted(LANGUAGE_NAMES)}, got {langs!r}")
    survey = _header_rows(definition, langs)
    survey += [_item_row(definition, it, langs) for it in definition.items]
    lists: dict[str, tuple[Choice, ...]] = {"timepoint": _TIMEPOINT}
    for it in definition.items:
        if it.list_name:
            lists.setdefault(it.list_name, it.choices)
    choices = [
        {"list_name": name, "name": c.name, **_t(c.label, langs, "label")}
        for name, options in lists.items()
        for c in options
    ]
    settings = [
        {
            "form_title": definition.title(langs[0]),
            "form_id": definition.form_id,
            "version": definition.version,
            "default_language": LANGUAGE_NAMES[langs[0]],
            "instance_name": "concat(${mother_id}, '-', ${timepoint})",
        }
    ]
    return {"survey": survey, "choices": choices, "settings": settings}


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    cols: list[str] = []
    for row in rows:
        cols += [c for c in row if c not in cols]
    return cols


def write_xlsform(
    definition: InstrumentDefinition,
    path_or_stream: str | PathLike[str] | IO[bytes],
    *,
    langs: Sequence[str] = ("id", "en"),
) -> None:
    """Write ``definition`` as an .xlsx XLSForm to a path or a binary stream.

    Columns are ``label::Indonesian (id)`` / ``label::English (en)`` (likewise hint,
    required_message, constraint_message); required items carry ``required = yes``.
    """
    sheets = build_sheets(definition, langs=langs)
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        cols = _columns(rows)
        ws.append(cols)
        for row in rows:
            ws.append([row.get(c, "") or None for c in cols])
    wb.save(path_or_stream)
