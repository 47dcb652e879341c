"""The content sign-off sheet: one table of every content block for the program's midwife.

Each row is one block, item, step or Q&A entry of ``content/*.yaml``: where it appears, its
text, its FACTS references, its confidence label (S / S2 / U, inherited from the block when
an item has none) and whether a midwife must review it ([U] or ``review: midwife``). The
sheet carries :func:`laktasi.materials.content.content_version`, which is also printed on
every leaflet and guide, so a puskesmas can approve exactly what it hands out. Rendered as
HTML (web page) and PDF with the same template.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from laktasi.materials import content, rendering

#: Documents in sign-off order: everything a mother, companion, kader or bidan reads.
SIGNOFF_TOPICS = (*content.TOPICS, "facilitator_guide")
_CHILD_KEYS = ("items", "steps", "rows")


@dataclass(frozen=True)
class SignoffRow:
    """One reviewable piece of content."""

    where: str
    text: str
    facts: tuple[str, ...]
    confidence: str
    review: bool


def _text_of(node: Any) -> str:
    """The readable text of a localised node (title, heading, text, notes...)."""
    if isinstance(node, str):
        return node
    if not isinstance(node, dict):
        return ""
    parts = [node.get(k) for k in ("title", "heading", "activity", "question", "text", "intro")]
    parts += [node.get(k) for k in ("notes", "answer", "seek_help", "caveat", "note")]
    if node.get("cells"):
        parts.append(" | ".join(node["cells"]))
    return " ".join(p for p in parts if isinstance(p, str) and p)


def _block_rows(name: str, raw: dict, local: dict, inherited: str) -> list[SignoffRow]:
    confidence = raw.get("confidence", inherited)
    plain = [c for key in _CHILD_KEYS for c in local.get(key, []) if isinstance(c, str)]
    text = " ".join([_text_of(local), *plain]).strip()
    rows = [
        SignoffRow(
            where=f"{name} · {raw['id']}",
            text=text,
            facts=tuple(raw.get("facts", [])),
            confidence=confidence,
            review=content.needs_review(raw, inherited=inherited),
        )
    ]
    for key in _CHILD_KEYS:
        for index, (child, child_local) in enumerate(
            zip(raw.get(key, []), local.get(key, []), strict=True)
        ):
            if not isinstance(child, dict) or content.is_bilingual(child) or "facts" not in child:
                continue
            rows.append(
                SignoffRow(
                    where=f"{name} · {raw['id']} · {child.get('id', index + 1)}",
                    text=_text_of(child_local),
                    facts=tuple(child["facts"]),
                    confidence=child.get("confidence", confidence),
                    review=content.needs_review(child, inherited=confidence)
                    or bool(raw.get("review")),
                )
            )
    return rows


def signoff_rows(*, lang: str) -> list[SignoffRow]:
    """Every content block, item and Q&A entry in ``lang``, in document order."""
    content.check_lang(lang)
    rows: list[SignoffRow] = []
    for name in SIGNOFF_TOPICS:
        raw = content.load_raw(name)
        local = content.localize(raw, lang)
        for raw_block, local_block in zip(raw["blocks"], local["blocks"], strict=True):
            rows += _block_rows(name, raw_block, local_block, raw["confidence"])
    for raw_entry, entry in zip(content.qa_entries(), content.qa_entries(lang=lang), strict=True):
        rows.append(
            SignoffRow(
                where=f"qa · {entry['id']}",
                text=_text_of(entry),
                facts=tuple(raw_entry["facts"]),
                confidence=raw_entry["confidence"],
                review=content.needs_review(raw_entry),
            )
        )
    return rows


def signoff_context(*, lang: str, static_url: str) -> dict[str, Any]:
    """Template context for ``materials/signoff.html``."""
    rows = signoff_rows(lang=lang)
    labels = content.labels(lang=lang)
    to_review = sum(row.review for row in rows)
    return {
        "lang": lang,
        "L": labels,
        "rows": rows,
        "count_line": labels["signoff_count"]
        .replace("{n}", str(len(rows)))
        .replace("{r}", str(to_review)),
        "content_version": content.content_version(),
        "static_url": static_url,
    }


def render_signoff_html(*, lang: str, static_url: str = "/static/") -> str:
    """The sign-off sheet as a standalone HTML page."""
    return rendering.render_template(
        "materials/signoff.html", signoff_context(lang=lang, static_url=static_url)
    )


def render_signoff_pdf(*, lang: str) -> bytes:
    """The sign-off sheet as PDF bytes (A4 landscape, the table repeats its header)."""
    html = rendering.render_template(
        "materials/signoff.html",
        signoff_context(lang=lang, static_url=rendering.static_dir_url()),
    )
    return rendering.write_pdf(html)
