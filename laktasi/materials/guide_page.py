"""Context for the phone step-by-step guide page (``materials/guide_page.html``).

One self-contained page per language: the oxytocin massage steps with a round timer
(2 or 3 minutes per round, start/pause/reset, rounds counted) and the Marmet steps with the
per-breast cycle timer (5–7 / 3–5 / 2–3 minutes with massage–stroke–shake prompts between
rounds). No inline script or style: behaviour lives in ``static/materials/guide.js`` and
``guide.css``; the strings and timer stages travel in a ``<script type="application/json">``
data block. A small service worker (``static/materials/sw.js``) caches the page and its
assets after the first visit so it also works offline.

Wiring (for the project's URLconf): render the template with :func:`guide_page_context`;
serve ``SERVICE_WORKER_FILE`` as ``application/javascript`` from a URL at or above the page's
path (a service worker only controls pages under its own URL path) and pass that URL as
``sw_url``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.templatetags.static import static as django_static

from laktasi.materials import content, rendering

SERVICE_WORKER_FILE = rendering.STATIC_DIR / "materials" / "sw.js"
CSS_PATH = "materials/guide.css"
JS_PATH = "materials/guide.js"
MASSAGE_ROUND_SECONDS = (120, 180)  # WHO: 2–3 minutes, repeatable (FACTS §1.1, §1.2 #10)
DEFAULT_MASSAGE_SECONDS = 180


def marmet_stages(*, lang: str) -> list[dict[str, Any]]:
    """The Marmet timer stages from ``marmet.yaml``: express each breast, then flow prompts.

    Each round of the cycle gives two express stages (first and second breast, ``min``/``max``
    in seconds) followed by a massage–stroke–shake stage when the round says so, and a final
    "done" stage.
    """
    labels = content.labels(lang=lang)
    rounds = content.topic("marmet", lang=lang)["blocks"]["cycle"]["rounds"]
    stages: list[dict[str, Any]] = []
    for rnd in rounds:
        lo, hi = int(rnd["minutes_min"]), int(rnd["minutes_max"])
        for breast_key in ("breast_first", "breast_second"):
            title = (
                labels["stage_express"]
                .replace("{breast}", labels[breast_key].lower())
                .replace("{min}", str(lo))
                .replace("{max}", str(hi))
            )
            stages.append({"kind": "express", "title": title, "min": lo * 60, "max": hi * 60})
        if rnd["then_flow"]:
            stages.append({"kind": "flow", "title": labels["stage_flow"], "min": 0, "max": 0})
    stages.append({"kind": "done", "title": labels["stage_done"], "min": 0, "max": 0})
    return stages


def guide_page_context(
    *,
    lang: str,
    static: Callable[[str], str] | None = None,
    sw_url: str = "",
    sw_scope: str = "",
    other_lang_url: str = "",
) -> dict[str, Any]:
    """Template context for ``materials/guide_page.html`` in ``lang`` ("id" or "en").

    ``static`` maps a static path to its URL (default: Django's ``static()``); ``sw_url`` is
    the service worker URL (empty: no offline caching); ``other_lang_url`` links the page in
    the other language.
    """
    content.check_lang(lang)
    static = static or django_static  # needs configured settings
    labels = content.labels(lang=lang)
    massage = content.topic("oxytocin_massage", lang=lang)
    marmet = content.topic("marmet", lang=lang)
    enough = content.topic("enough_milk", lang=lang)
    danger = content.topic("danger_signs", lang=lang)
    css_url, js_url = static(CSS_PATH), static(JS_PATH)
    strings = {
        key: labels[key]
        for key in (
            "start",
            "pause",
            "resume",
            "timer_paused",
            "timer_reset",
            "timer_started",
            "massage_round_done",
            "massage_running",
            "minutes_left",
            "one_minute_left",
            "minutes_elapsed",
            "min_reached",
            "max_reached",
            "stage_of",
            "flow_prompt",
            "guide_offline_ready",
        )
    }
    return {
        "lang": lang,
        "L": labels,
        "massage": massage,
        "marmet": marmet,
        "enough": enough,
        "danger": danger,
        "content_version": content.content_version(),
        "fig": rendering.figures(lang=lang, prefix="guide"),
        "equipment_line": "; ".join(massage["blocks"]["equipment"]["items"]),
        "marmet_flow_count": len(marmet["blocks"]["flow"]["steps"]),
        "massage_lengths": [
            {"seconds": s, "label": labels["two_minutes" if s == 120 else "three_minutes"]}
            for s in MASSAGE_ROUND_SECONDS
        ],
        "default_massage_seconds": DEFAULT_MASSAGE_SECONDS,
        "timer_data": {
            "strings": strings,
            "stages": marmet_stages(lang=lang),
            "cache": [css_url, js_url],
        },
        "css_url": css_url,
        "js_url": js_url,
        "sw_url": sw_url,
        "sw_scope": sw_scope,
        "other_lang_url": other_lang_url,
        "other_lang": "en" if lang == "id" else "id",
        "sources": content.sources(
            lang=lang,
            ids=content.topic_source_ids(
                ("oxytocin_massage", "marmet", "enough_milk", "danger_signs")
            ),
        ),
    }


def render_guide_page(**kwargs: Any) -> str:
    """Render the standalone guide page with the materials template engine (tests, export)."""
    return rendering.render_template("materials/guide_page.html", guide_page_context(**kwargs))


def service_worker_source() -> str:
    """The service worker JavaScript, for a view that serves it under the page's path."""
    return Path(SERVICE_WORKER_FILE).read_text(encoding="utf-8")
