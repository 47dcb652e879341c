"""Leaflet PDFs: page geometry, every step in order, footer details, QR code, fonts."""

from __future__ import annotations

import subprocess

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from laktasi.materials import content
from laktasi.materials.leaflet import (
    FORMAT_PAGES,
    LeafletError,
    LeafletFooter,
    render_leaflet,
    render_leaflet_html,
)

from .conftest import ARTIFACTS, QR_URL, assert_in_order, pdf_text

CASES = [(fmt, lang) for fmt in ("a4-trifold", "a5-booklet") for lang in ("id", "en")]
PAGE_SIZES_PT = {"a4-trifold": (842, 595), "a5-booklet": (420, 595)}


def procedure_needles(lang: str) -> list[str]:
    """Massage steps, cautions, Marmet steps and the timing cycle, in reading order."""
    massage = content.topic("oxytocin_massage", lang=lang)["blocks"]
    marmet = content.topic("marmet", lang=lang)["blocks"]
    needles = []
    for step in massage["steps"]["steps"]:
        needles += [step["title"], step["text"]]
    needles += [item["text"] for item in massage["cautions"]["items"]]
    for block in ("prepare", "flow", "express"):
        for step in marmet[block]["steps"]:
            needles += [step["title"], step["text"]]
    needles += [rnd["text"] for rnd in marmet["cycle"]["rounds"]]
    return needles


@pytest.mark.parametrize(("fmt", "lang"), CASES)
def test_leaflet_has_the_format_page_count_and_size(pdfs, fmt, lang):
    reader = PdfReader(pdfs(fmt, lang))
    assert len(reader.pages) == FORMAT_PAGES[fmt], "content overflowed its panels/pages"
    for page in reader.pages:
        width, height = (round(float(v)) for v in page.mediabox.upper_right)
        assert (width, height) == PAGE_SIZES_PT[fmt]


@pytest.mark.parametrize(("fmt", "lang"), CASES)
def test_leaflet_contains_every_step_in_order(pdfs, fmt, lang):
    assert_in_order(pdf_text(pdfs(fmt, lang)), procedure_needles(lang))


@pytest.mark.parametrize(("fmt", "lang"), CASES)
def test_leaflet_contains_messages_signs_help_and_storage(pdfs, fmt, lang):
    text = pdf_text(pdfs(fmt, lang))
    key = content.topic("key_messages", lang=lang)["blocks"]["messages"]["items"]
    assert_in_order(text, [f"{m['title']} {m['text']}" for m in key])
    enough = content.topic("enough_milk", lang=lang)["blocks"]
    assert_in_order(text, [i["text"] for i in enough["baby"]["items"] + enough["mother"]["items"]])
    assert_in_order(text, [enough["leaking_note"]["text"]])
    storage = content.topic("storage", lang=lang)["blocks"]
    for row in storage["table"]["rows"]:
        assert_in_order(text, [c for c in row["cells"] if c != "–"])
    assert_in_order(text, [storage["one_door"]["text"]])
    assert_in_order(text, [storage["table"]["caveat"], storage["hot_room"]["text"]])
    assert_in_order(text, [content.labels(lang=lang)["review_badge"]])


@pytest.mark.parametrize(("fmt", "lang"), CASES)
def test_leaflet_prints_the_footer_details_and_sources(pdfs, footer, fmt, lang):
    text = pdf_text(pdfs(fmt, lang))
    assert_in_order(text, [footer.midwife_name, footer.midwife_phone, footer.posyandu_schedule])
    assert_in_order(text, [footer.facility_name])
    assert_in_order(text, [QR_URL])
    labels = content.labels(lang=lang)
    assert_in_order(text, [labels["sources"], "WHO (2009)", "CDC"])


@pytest.mark.parametrize(("fmt", "lang"), CASES)
def test_leaflet_qr_code_decodes_to_the_guide_url(pdfs, fmt, lang):
    pdf = pdfs(fmt, lang)
    prefix = ARTIFACTS / pdf.stem
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(prefix)], check=True)
    decoded = []
    for png in sorted(ARTIFACTS.glob(f"{pdf.stem}-*.png")):
        with Image.open(png) as image:
            decoded += [b.text for b in zxingcpp.read_barcodes(image)]
    assert decoded == [QR_URL]


@pytest.mark.parametrize(("fmt", "lang"), CASES)
def test_leaflet_embeds_dejavu_fonts(pdfs, fmt, lang):
    reader = PdfReader(pdfs(fmt, lang))
    fonts = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            fonts[str(font["/BaseFont"])] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    assert fonts
    assert all(fonts.values()), "every font must be embedded"
    assert all("DejaVu" in name for name in fonts)


def test_leaflet_html_is_in_the_requested_language(footer):
    html_id = render_leaflet_html(lang="id", fmt="a5-booklet", footer=footer)
    html_en = render_leaflet_html(lang="en", fmt="a5-booklet", footer=footer)
    assert '<html lang="id">' in html_id
    assert '<html lang="en">' in html_en
    assert "Pijat oksitosin" in html_id
    assert "Oxytocin massage" in html_en


def test_leaflet_without_qr_url_prints_no_qr_code(footer):
    plain = LeafletFooter(
        facility_name=footer.facility_name,
        midwife_name=footer.midwife_name,
        midwife_phone=footer.midwife_phone,
        posyandu_schedule=footer.posyandu_schedule,
    )
    assert 'class="qr"' not in render_leaflet_html(lang="id", fmt="a4-trifold", footer=plain)
    assert 'class="qr"' in render_leaflet_html(lang="id", fmt="a4-trifold", footer=footer)


def test_leaflet_escapes_footer_text():
    tricky = LeafletFooter(
        facility_name="<script>alert(1)</script>",
        midwife_name="Bidan A & B",
        midwife_phone="0812",
        posyandu_schedule="Senin",
    )
    html = render_leaflet_html(lang="id", fmt="a4-trifold", footer=tricky)
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    "kwargs",
    [
        {"qr_url": "javascript:alert(1)"},
        {"qr_url": "laktasi.example.id/panduan"},
        {"facility_name": "x" * 121},
        {"midwife_phone": 812},
    ],
)
def test_leaflet_footer_rejects_bad_values(kwargs):
    values = {
        "facility_name": "PMB",
        "midwife_name": "Bidan",
        "midwife_phone": "0812",
        "posyandu_schedule": "Senin",
        **kwargs,
    }
    with pytest.raises(LeafletError):
        LeafletFooter(**values)


@pytest.mark.parametrize(("fmt", "lang"), [("a3-poster", "id"), ("a4-trifold", "jv")])
def test_render_leaflet_rejects_unknown_format_or_language(footer, fmt, lang):
    with pytest.raises(LeafletError):
        render_leaflet(lang=lang, fmt=fmt, footer=footer)


@pytest.mark.parametrize(("fmt", "lang"), CASES)
def test_leaflet_prints_both_danger_tiers_apart_with_the_midwife_phone(pdfs, footer, fmt, lang):
    """Same-day signs (baby, mother) come as one block, then the routine "ask" tier."""
    text = pdf_text(pdfs(fmt, lang))
    d = content.topic("danger_signs", lang=lang)["blocks"]
    assert_in_order(
        text,
        [d["urgent"]["heading"], d["urgent"]["text"], d["urgent_baby"]["heading"]]
        + [i["text"] for i in d["urgent_baby"]["items"]]
        + [d["urgent_mother"]["heading"]]
        + [i["text"] for i in d["urgent_mother"]["items"]]
        + [d["immediately"]["text"], content.labels(lang=lang)["phone_write_in"]]
        + [footer.midwife_phone, d["consult"]["heading"]]
        + [i["text"] for i in d["consult"]["items"]],
    )


@pytest.mark.parametrize(("fmt", "lang"), CASES)
def test_leaflet_prints_the_content_version(pdfs, fmt, lang):
    text = pdf_text(pdfs(fmt, lang))
    assert_in_order(text, [content.labels(lang=lang)["content_version"], content.content_version()])


def test_leaflet_without_a_phone_leaves_a_line_to_write_it_in():
    blank = LeafletFooter(facility_name="", midwife_name="", midwife_phone="", posyandu_schedule="")
    html = render_leaflet_html(lang="id", fmt="a5-booklet", footer=blank)
    assert 'class="write-in"' in html
    assert "Telepon bidan" in html


@pytest.mark.parametrize("lang", ["id", "en"])
def test_leaflet_carries_the_statutory_minimum_messages(pdfs, lang):
    """M10: benefits, mother's nutrition, formula and bottle risks, restarting is hard."""
    text = pdf_text(pdfs("a4-trifold", lang))
    items = {
        m["id"]: m for m in content.topic("key_messages", lang=lang)["blocks"]["messages"]["items"]
    }
    for key in ("benefits", "mother-food", "cup-not-bottle"):
        assert_in_order(text, [items[key]["title"], items[key]["text"]])
    restart = {"id": "memulai lagi sulit", "en": "restarting is hard"}[lang]
    assert restart in items["cup-not-bottle"]["text"]
