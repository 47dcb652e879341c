"""Shared rendering helpers for the printed and web materials.

Templates live in ``templates/materials/`` (so Django's ``APP_DIRS`` loader finds them too),
but the PDF renderers use a standalone :class:`django.template.Engine` so that they work
without project settings, request context processors or a database. Template contexts hold
only strings, lists and dicts, rendered with ``use_l10n=False``.

Fonts: the print CSS declares "DejaVu Sans Condensed" / "DejaVu Sans" (found through
fontconfig, embedded as subsets by WeasyPrint). Install ``fonts-dejavu-core`` if missing.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import segno
from django.template import Context, Engine
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from laktasi.materials import content

APP_DIR = Path(__file__).resolve().parent
TEMPLATE_DIR = APP_DIR / "templates"
STATIC_DIR = APP_DIR / "static"
IMG_DIR = STATIC_DIR / "materials" / "img"

# name -> (file, labels key prefix)
FIGURES = {
    "back": ("back_massage.svg", "figure_back"),
    "hold": ("c_hold.svg", "figure_hold"),
    "pushroll": ("push_roll.svg", "figure_pushroll"),
}


@cache
def engine() -> Engine:
    """The standalone template engine over the app's template directory."""
    return Engine(dirs=[str(TEMPLATE_DIR)], autoescape=True, debug=False)


def render_template(name: str, context: dict[str, Any]) -> str:
    """Render ``materials/...`` template ``name`` with the standalone engine."""
    template = engine().get_template(name)
    return template.render(Context(context, autoescape=True, use_l10n=False))


@cache
def _svg_source(filename: str) -> str:
    return (IMG_DIR / filename).read_text(encoding="utf-8")


def inline_svg(
    filename: str,
    *,
    title: str,
    desc: str,
    prefix: str,
    text_labels: dict[str, str] | None = None,
    css_class: str = "figure-svg",
) -> SafeString:
    """Return an SVG file from ``static/materials/img`` ready to inline in HTML.

    The ``<title>``/``<desc>`` are replaced by the localised ``title``/``desc``; element ids
    (and ``aria-labelledby`` references) get ``prefix`` so several inlined figures never
    clash; ``<text data-label="key">`` contents are replaced from ``text_labels``.
    """
    svg = _svg_source(filename)
    svg = re.sub(
        r"<title id=\"([^\"]+)\">.*?</title>",
        rf'<title id="\1">{escape(title)}</title>',
        svg,
        flags=re.S,
    )
    svg = re.sub(
        r"<desc id=\"([^\"]+)\">.*?</desc>",
        rf'<desc id="\1">{escape(desc)}</desc>',
        svg,
        flags=re.S,
    )
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', svg)
    svg = re.sub(
        r'aria-labelledby="([^"]+)"',
        lambda m: (
            'aria-labelledby="' + " ".join(f"{prefix}-{ref}" for ref in m.group(1).split()) + '"'
        ),
        svg,
    )
    for key, value in (text_labels or {}).items():
        svg = re.sub(
            rf'(<text data-label="{re.escape(key)}"[^>]*>).*?(</text>)',
            lambda m, v=value: m.group(1) + escape(v) + m.group(2),
            svg,
            flags=re.S,
        )
    svg = re.sub(r'\swidth="\d+" height="\d+"', "", svg, count=1)
    svg = svg.replace("<svg ", f'<svg class="{css_class}" focusable="false" ', 1)
    return mark_safe(svg.strip())


def figures(*, lang: str, prefix: str = "fig") -> dict[str, dict[str, Any]]:
    """All figures for ``lang``: ``{"back": {"svg": ..., "caption": ...}, ...}``."""
    labels = content.labels(lang=lang)
    distance = "2,5–4 cm" if lang == "id" else "2.5–4 cm"
    result = {}
    for name, (filename, key) in FIGURES.items():
        result[name] = {
            "svg": inline_svg(
                filename,
                title=labels[f"{key}_title"],
                desc=labels[f"{key}_desc"],
                prefix=f"{prefix}-{name}",
                text_labels={"distance": distance},
            ),
            "title": labels[f"{key}_title"],
            "caption": labels[f"{key}_caption"],
        }
    return result


def qr_svg(url: str, *, title: str = "") -> SafeString:
    """An inline SVG QR code (error correction M, 4-module quiet zone) for ``url``."""
    qr = segno.make_qr(url, error="m")
    svg = qr.svg_inline(
        scale=1, border=4, dark="#000", light="#fff", omitsize=True, title=title or url
    )
    return mark_safe(svg.replace("<svg ", '<svg class="qr" role="img" ', 1))


def css_string(text: str) -> SafeString:
    """``text`` as a quoted CSS string, safe inside a ``<style>`` element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return mark_safe(f'"{escaped}"')


def static_dir_url() -> str:
    """``file://`` URL of the app's static directory (for WeasyPrint), with a trailing slash."""
    return STATIC_DIR.as_uri() + "/"


def write_pdf(html: str) -> bytes:
    """Render an HTML document to PDF bytes with WeasyPrint (assets resolved from static/)."""
    from weasyprint import HTML  # heavy import; only needed when a PDF is made

    return HTML(string=html, base_url=static_dir_url()).write_pdf()


def render_pdf_document(html: str):
    """Lay out ``html`` with WeasyPrint and return the Document (for layout checks)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=static_dir_url()).render()
