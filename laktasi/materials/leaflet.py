"""Participant leaflets as PDF: an A4 landscape trifold and an A5 portrait booklet.

Both formats print the same content (``content/*.yaml``) in Indonesian or English, with a
local footer (facility, midwife, phone, posyandu schedule) and a QR code pointing at the
phone step-by-step guide. Usage::

    footer = LeafletFooter(facility_name="PMB Bidan Sari", midwife_name="Bidan Sari",
                           midwife_phone="0812-0000-0000", posyandu_schedule="Selasa ke-2",
                           qr_url="https://example.org/materi/panduan/")
    pdf_bytes = render_leaflet(lang="id", fmt="a4-trifold", footer=footer)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

from laktasi.materials import content, rendering

FORMATS = {
    "a4-trifold": "materials/leaflet_a4_trifold.html",
    "a5-booklet": "materials/leaflet_a5_booklet.html",
}
#: Expected page count per format; more pages means the content overflowed its panels.
FORMAT_PAGES = {"a4-trifold": 2, "a5-booklet": 8}
#: Topics printed in the leaflet, in reading order (their sources make the "Sumber" list).
LEAFLET_TOPICS = (
    "key_messages",
    "oxytocin_massage",
    "marmet",
    "storage",
    "enough_milk",
    "danger_signs",
)
MAX_FIELD_LENGTH = 120


class LeafletError(ValueError):
    """Invalid leaflet request (unknown format or language, bad footer)."""


@dataclass(frozen=True)
class LeafletFooter:
    """The local details printed on a leaflet.

    ``qr_url`` is the address the QR code opens (normally the phone step-by-step guide); an
    empty string prints no QR code. Every field is at most 120 characters so that it fits
    its panel.
    """

    facility_name: str
    midwife_name: str
    midwife_phone: str
    posyandu_schedule: str
    qr_url: str = ""

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not isinstance(value, str):
                raise LeafletError(f"{name} must be a string")
            if len(value) > MAX_FIELD_LENGTH:
                raise LeafletError(f"{name} is longer than {MAX_FIELD_LENGTH} characters")
        if self.qr_url:
            parts = urlsplit(self.qr_url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise LeafletError("qr_url must be an absolute http(s) URL")


def _check(lang: str, fmt: str | None = None) -> None:
    try:
        content.check_lang(lang)
    except content.ContentError as exc:
        raise LeafletError(str(exc)) from exc
    if fmt is not None and fmt not in FORMATS:
        raise LeafletError(f"unknown format {fmt!r}; expected one of {sorted(FORMATS)}")


def join_items(items: list[str]) -> str:
    """Join list items into one sentence: "A; b; c." (lower-casing all but the first)."""
    parts = [item if i == 0 else item[:1].lower() + item[1:] for i, item in enumerate(items)]
    return "; ".join(parts) + "." if parts else ""


def materials_context(*, lang: str, figure_prefix: str = "fig") -> dict[str, Any]:
    """The localised content, labels and figures shared by leaflets and the guide."""
    labels = content.labels(lang=lang)
    key = content.topic("key_messages", lang=lang)
    massage = content.topic("oxytocin_massage", lang=lang)
    marmet = content.topic("marmet", lang=lang)
    return {
        "lang": lang,
        "L": labels,
        "key": key,
        "massage": massage,
        "equipment_line": join_items(massage["blocks"]["equipment"]["items"]),
        "marmet_flow_count": len(marmet["blocks"]["flow"]["steps"]),
        "marmet": marmet,
        "storage": content.topic("storage", lang=lang),
        "enough": content.topic("enough_milk", lang=lang),
        "danger": content.topic("danger_signs", lang=lang),
        "content_version": content.content_version(),
        "fig": rendering.figures(lang=lang, prefix=figure_prefix),
        "cover_points": [m["title"] for m in key["blocks"]["messages"]["items"][:3]],
        "cover_fig": rendering.inline_svg(
            "drop_heart.svg",
            title=labels["leaflet_title"],
            desc=labels["leaflet_subtitle"],
            prefix=f"{figure_prefix}-cover",
        ),
    }


def leaflet_context(
    *, lang: str, fmt: str, footer: LeafletFooter | None, static_url: str
) -> dict[str, Any]:
    """Template context for a leaflet (also usable for an HTML preview)."""
    _check(lang, fmt)
    ctx = materials_context(lang=lang)
    labels = ctx["L"]
    ctx.update(
        {
            "fmt": fmt,
            "footer": footer,
            "qr": rendering.qr_svg(footer.qr_url, title=labels["qr_caption"])
            if footer and footer.qr_url
            else "",
            "sources": content.sources(lang=lang, ids=content.topic_source_ids(LEAFLET_TOPICS)),
            "compact_sources": True,
            "show_pushroll": True,
            "fig_first": fmt == "a5-booklet",
            "notes_lines": range(12),
            "static_url": static_url,
        }
    )
    return ctx


def render_leaflet_html(
    *, lang: str, fmt: str, footer: LeafletFooter | None, static_url: str | None = None
) -> str:
    """The leaflet as an HTML document (print CSS linked from ``static_url``)."""
    ctx = leaflet_context(
        lang=lang, fmt=fmt, footer=footer, static_url=static_url or rendering.static_dir_url()
    )
    return rendering.render_template(FORMATS[fmt], ctx)


def render_leaflet(*, lang: str, fmt: str, footer: LeafletFooter) -> bytes:
    """Render the participant leaflet as PDF bytes.

    ``lang`` is "id" or "en"; ``fmt`` is "a4-trifold" (landscape A4, 3 panels per side,
    2 pages) or "a5-booklet" (8 A5 portrait pages). Raises LeafletError for bad input.
    """
    if not isinstance(footer, LeafletFooter):
        raise LeafletError("footer must be a LeafletFooter")
    html = render_leaflet_html(lang=lang, fmt=fmt, footer=footer)
    return rendering.write_pdf(html)
