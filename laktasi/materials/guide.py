"""The facilitator's guide for a community session, as PDF (A4, numbered pages) or HTML.

Content: ``content/facilitator_guide.yaml`` (agenda, talking points, demonstration scripts,
what to observe, common questions, recording), the skills checklists from the instrument
definitions (``laktasi.instruments.registry``, the same items that are scored), and the full
leaflet content as an appendix.
"""

from __future__ import annotations

from typing import Any

from laktasi.instruments import registry
from laktasi.materials import content, rendering
from laktasi.materials.leaflet import (
    LEAFLET_TOPICS,
    LeafletError,
    LeafletFooter,
    materials_context,
)

#: Instrument definitions whose items are printed as observation checklists.
CHECKLIST_INSTRUMENTS = ("oxytocin_massage_checklist", "marmet_checklist")


def _clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def agenda_rows(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """Add cumulative ``start``/``end`` clock strings ("0:10") to the agenda rows."""
    result = []
    elapsed = 0
    for row in rows:
        minutes = int(row["minutes"])
        result.append({**row, "start": _clock(elapsed), "end": _clock(elapsed + minutes)})
        elapsed += minutes
    return result, elapsed


def checklists(*, lang: str, labels: dict[str, str]) -> list[dict[str, Any]]:
    """The observation checklists (title, rule, items with ``critical``) in ``lang``."""
    result = []
    for instrument_id in CHECKLIST_INSTRUMENTS:
        definition = registry.get(instrument_id)
        min_pct = definition.raw_scoring.get("min_pct", 75)
        result.append(
            {
                "id": instrument_id,
                "title": definition.title_text.get(lang),
                "rule": labels["competent_rule"].replace("{pct}", str(min_pct)),
                "items": [
                    {"text": item.label_for(lang), "critical": item.critical}
                    for item in definition.items
                    if item.type == "step"
                ],
            }
        )
    return result


def guide_context(
    *, lang: str, footer: LeafletFooter | None, static_url: str, for_print: bool = False
) -> dict[str, Any]:
    """Template context for ``materials/facilitator_guide.html``."""
    try:
        content.check_lang(lang)
    except content.ContentError as exc:
        raise LeafletError(str(exc)) from exc
    if footer is not None and not isinstance(footer, LeafletFooter):
        raise LeafletError("footer must be a LeafletFooter or None")
    ctx = materials_context(lang=lang, figure_prefix="appx")
    labels = ctx["L"]
    guide = content.topic("facilitator_guide", lang=lang)
    blocks = guide["blocks"]
    rows, total = agenda_rows(blocks["agenda"]["rows"])
    qa_by_id = {entry["id"]: entry for entry in content.qa_entries(lang=lang)}
    questions = [qa_by_id[qa_id] for qa_id in blocks["common_questions"]["qa_ids"]]
    source_ids = content.topic_source_ids((*LEAFLET_TOPICS, "facilitator_guide"))
    for entry in questions:
        source_ids += [s for s in entry["sources"] if s not in source_ids]
    toc = [
        {"anchor": f"g-{key.replace('_', '-')}", "title": blocks[key]["heading"]}
        for key in ("about", "pregnant", "danger", "preparation", "agenda", "talking_points")
    ]
    toc += [
        {"anchor": "g-demo-massage", "title": blocks["demo_massage"]["heading"]},
        {"anchor": "g-demo-marmet", "title": blocks["demo_marmet"]["heading"]},
        {"anchor": "g-observe", "title": blocks["observe"]["heading"]},
        {"anchor": "g-questions", "title": blocks["common_questions"]["heading"]},
        {"anchor": "g-recording", "title": blocks["recording"]["heading"]},
        {"anchor": "g-leaflet", "title": labels["leaflet_appendix"]},
        {"anchor": "g-sources", "title": labels["sources"]},
    ]
    demo_fig = rendering.figures(lang=lang, prefix="demo")
    ctx.update(
        {
            "guide": guide,
            "toc": toc,
            "agenda_rows": rows,
            "agenda_total": total,
            "checklists": checklists(lang=lang, labels=labels),
            "questions": questions,
            "footer": footer,
            "qr": rendering.qr_svg(footer.qr_url, title=labels["qr_caption"])
            if footer and footer.qr_url
            else "",
            "sources": content.sources(lang=lang, ids=source_ids),
            "compact_sources": False,
            "show_pushroll": True,
            "fig_first": False,
            "static_url": static_url,
            "for_print": for_print,
            "css_title": rendering.css_string(guide["title"]),
            "css_page": rendering.css_string(labels["page"] + " "),
            "css_of": rendering.css_string(" " + labels["of"] + " "),
        }
    )
    # The demonstration sections use their own copies of the figures (unique SVG ids).
    ctx["demo_fig"] = demo_fig
    return ctx


def render_facilitator_guide_html(
    *, lang: str, footer: LeafletFooter | None = None, static_url: str = "/static/"
) -> str:
    """The facilitator's guide as a standalone HTML page (CSS linked from ``static_url``)."""
    ctx = guide_context(lang=lang, footer=footer, static_url=static_url)
    return rendering.render_template("materials/facilitator_guide.html", ctx)


def render_facilitator_guide(*, lang: str, footer: LeafletFooter | None = None) -> bytes:
    """Render the facilitator's guide as PDF bytes (A4, page numbers "Halaman N dari M")."""
    ctx = guide_context(
        lang=lang, footer=footer, static_url=rendering.static_dir_url(), for_print=True
    )
    html = rendering.render_template("materials/facilitator_guide.html", ctx)
    return rendering.write_pdf(html)
