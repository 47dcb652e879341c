"""Phone step-by-step guide page: accessibility (labels, contrast, targets), data, timers.
In the browser: tests/e2e/test_materials_guide_page.py."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string

from laktasi.materials import content
from laktasi.materials.guide_page import (
    SERVICE_WORKER_FILE,
    guide_page_context,
    marmet_stages,
    render_guide_page,
    service_worker_source,
)
from laktasi.materials.rendering import STATIC_DIR

CSS = (STATIC_DIR / "materials" / "guide.css").read_text()
JS = (STATIC_DIR / "materials" / "guide.js").read_text()


def static(path: str) -> str:
    return "/static/" + path


def page_html(lang: str) -> str:
    return render_guide_page(
        lang=lang,
        static=static,
        sw_url="/materi/panduan/sw.js",
        other_lang_url=f"/materi/panduan/{'en' if lang == 'id' else 'id'}/",
    )


class Audit(HTMLParser):
    """Collects what the accessibility checks need from one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.buttons: list[dict] = []
        self.inputs: list[dict] = []
        self.label_for: set[str] = set()
        self.ids: list[str] = []
        self.labelledby: list[str] = []
        self.scripts: list[dict] = []
        self.style_attrs = 0
        self.handlers = 0
        self.html_lang = None
        self.live_regions = 0
        self.timers = 0
        self.viewport = False
        self._button = None
        self._script = None

    def handle_starttag(self, tag, attrs):  # noqa: C901 (test HTML parser, one branch per tag)
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        if tag == "meta" and a.get("name") == "viewport":
            self.viewport = True
        if "id" in a:
            self.ids.append(a["id"])
        if "aria-labelledby" in a:
            self.labelledby += a["aria-labelledby"].split()
        if "style" in a:
            self.style_attrs += 1
        self.handlers += sum(1 for k in a if k.startswith("on"))
        if a.get("aria-live") in ("polite", "assertive"):
            self.live_regions += 1
        if a.get("role") == "timer":
            self.timers += 1
        if tag == "label" and "for" in a:
            self.label_for.add(a["for"])
        if tag == "input":
            inside_label = any(t == "label" for t, _ in self.stack)
            self.inputs.append({**a, "inside_label": inside_label})
        if tag == "button":
            self._button = {**a, "text": ""}
        if tag == "script":
            self._script = {**a, "body": ""}
        if tag not in ("input", "meta", "link", "br", "img"):
            self.stack.append((tag, a))

    def handle_endtag(self, tag):
        if tag == "button" and self._button is not None:
            self.buttons.append(self._button)
            self._button = None
        if tag == "script" and self._script is not None:
            self.scripts.append(self._script)
            self._script = None
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self._button is not None:
            self._button["text"] += data
        if self._script is not None:
            self._script["body"] += data


def audit(html: str) -> Audit:
    parser = Audit()
    parser.feed(html)
    return parser


# --- colours -----------------------------------------------------------------------------


def _hex_to_rgb(value: str) -> tuple[float, float, float]:
    value = value.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    return tuple(int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))


def _luminance(rgb) -> float:
    def channel(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: str, bg: str) -> float:
    """WCAG 2.x contrast ratio of two hex colours."""
    hi, lo = sorted((_luminance(_hex_to_rgb(fg)), _luminance(_hex_to_rgb(bg))), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def css_rules(css: str) -> list[tuple[str, dict[str, str]]]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        decls = {}
        for decl in body.split(";"):
            if ":" in decl:
                key, value = decl.split(":", 1)
                decls[key.strip()] = value.strip()
        rules.append((selector.strip(), decls))
    return rules


def css_vars() -> dict[str, str]:
    root = next(d for s, d in css_rules(CSS) if s == ":root")
    return {k: v for k, v in root.items() if k.startswith("--")}


def resolve(value: str, variables: dict[str, str]) -> str | None:
    match = re.fullmatch(r"var\((--[\w-]+)\)", value.strip())
    value = variables[match.group(1)] if match else value.strip()
    return value if re.fullmatch(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?", value) else None


def test_contrast_of_every_text_colour_is_at_least_4_5():
    variables = css_vars()
    surfaces = [variables["--bg"], variables["--panel"]]
    checked = 0
    for selector, decls in css_rules(CSS):
        if selector == ":root":
            continue
        fg = resolve(decls.get("color", ""), variables)
        bg_raw = decls.get("background-color", decls.get("background", ""))
        bg = resolve(bg_raw, variables)
        if bg_raw and bg:
            assert fg, f"{selector} sets a background without a text colour"
        if not fg:
            continue
        for surface in [bg] if bg else surfaces:
            ratio = contrast(fg, surface)
            assert ratio >= 4.5, f"{selector}: {fg} on {surface} = {ratio:.2f}"
            checked += 1
    assert checked >= 15


def test_contrast_helper_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_touch_targets_are_at_least_48px():
    targets = {".btn", ".nav a", ".choice-item", ".lang-switch"}
    found = set()
    for selector, decls in css_rules(CSS):
        if selector in targets:
            found.add(selector)
            height = int(re.match(r"(\d+)px", decls["min-height"]).group(1))
            assert height >= 48, selector
    assert found == targets


# --- markup ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
def test_guide_page_controls_all_have_accessible_names(lang):
    page = audit(page_html(lang))
    assert page.html_lang == lang
    assert page.viewport
    assert len(page.buttons) >= 6
    for button in page.buttons:
        assert button.get("type") == "button"
        assert button["text"].strip() or button.get("aria-label", "").strip()
    assert page.inputs
    for field in page.inputs:
        assert field["inside_label"] or field.get("aria-label") or field.get("id") in page.label_for


@pytest.mark.parametrize("lang", ["id", "en"])
def test_guide_page_timers_announce_through_live_regions(lang):
    page = audit(page_html(lang))
    assert page.timers == 2
    assert page.live_regions >= 3


@pytest.mark.parametrize("lang", ["id", "en"])
def test_guide_page_has_no_inline_script_style_or_handlers(lang):
    page = audit(page_html(lang))
    assert page.style_attrs == 0
    assert page.handlers == 0
    for script in page.scripts:
        if script.get("src"):
            assert not script["body"].strip()
        else:
            assert script.get("type") == "application/json"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_guide_page_ids_are_unique_and_references_resolve(lang):
    page = audit(page_html(lang))
    assert len(page.ids) == len(set(page.ids))
    assert set(page.labelledby) <= set(page.ids)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_guide_page_shows_every_step(lang):
    html = page_html(lang)
    massage = content.topic("oxytocin_massage", lang=lang)["blocks"]
    marmet = content.topic("marmet", lang=lang)["blocks"]
    texts = [s["text"] for s in massage["steps"]["steps"]]
    texts += [s["text"] for b in ("flow", "express") for s in marmet[b]["steps"]]
    position = 0
    for text in texts:
        found = html.find(text.replace("'", "&#x27;").replace('"', "&quot;"), position)
        assert found > position, text
        position = found


def test_guide_page_data_block_has_stages_and_every_string_the_script_uses():
    page = audit(page_html("id"))
    data = json.loads(next(s["body"] for s in page.scripts if s.get("id") == "guide-data"))
    used = set(re.findall(r"\bS\.(\w+)", JS))
    assert used <= set(data["strings"])
    assert data["cache"] == ["/static/materials/guide.css", "/static/materials/guide.js"]
    assert len(data["stages"]) == 9


def test_marmet_stages_follow_the_cycle():
    stages = marmet_stages(lang="en")
    timed = [(s["kind"], s["min"], s["max"]) for s in stages]
    assert timed == [
        ("express", 300, 420),
        ("express", 300, 420),
        ("flow", 0, 0),
        ("express", 180, 300),
        ("express", 180, 300),
        ("flow", 0, 0),
        ("express", 120, 180),
        ("express", 120, 180),
        ("done", 0, 0),
    ]
    assert "first breast" in stages[0]["title"]
    assert "second breast" in stages[1]["title"]


def test_massage_rounds_are_two_or_three_minutes():
    ctx = guide_page_context(lang="id", static=static)
    assert [o["seconds"] for o in ctx["massage_lengths"]] == [120, 180]
    assert ctx["default_massage_seconds"] == 180


def test_service_worker_source_is_shipped():
    source = service_worker_source()
    assert SERVICE_WORKER_FILE.name == "sw.js"
    assert "cache-urls" in source
    assert "caches.open" in source


def test_guide_page_renders_through_the_project_template_engine():
    """APP_DIRS finds materials/guide_page.html; static() comes from the project settings."""
    html = render_to_string("materials/guide_page.html", guide_page_context(lang="id"))
    assert 'href="/static/materials/guide.css"' in html
    assert 'id="guide-data"' in html
    page = audit(html)
    assert all(b["text"].strip() for b in page.buttons)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_guide_page_help_section_lists_same_day_signs_then_routine_questions(lang):
    html = render_guide_page(lang=lang, static=lambda p: "/static/" + p)
    danger = content.topic("danger_signs", lang=lang)["blocks"]
    help_at = html.index('id="bantuan"')
    consult_at = html.index('id="konsultasi"')
    assert help_at < html.index(danger["urgent_baby"]["items"][0]["text"]) < consult_at
    assert html.index(danger["consult"]["items"][0]["text"]) > consult_at
    assert content.content_version() in html
