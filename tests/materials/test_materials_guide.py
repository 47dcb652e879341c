"""Facilitator's guide: PDF in both languages with page numbers, all sections and steps."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from laktasi.instruments import registry
from laktasi.materials import content
from laktasi.materials.guide import (
    CHECKLIST_INSTRUMENTS,
    agenda_rows,
    render_facilitator_guide,
    render_facilitator_guide_html,
)
from laktasi.materials.leaflet import LeafletError

from .conftest import assert_in_order, pdf_text
from .test_materials_leaflet import procedure_needles

PAGE_LABEL = {"id": ("Halaman", "dari"), "en": ("Page", "of")}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_guide_pages_are_numbered_n_of_total(pdfs, lang):
    path = pdfs("guide", lang)
    total = len(PdfReader(path).pages)
    assert total >= 6
    word, of = PAGE_LABEL[lang]
    numbers = re.findall(rf"{word} (\d+) {of} (\d+)", pdf_text(path))
    assert [int(n) for n, _ in numbers] == list(range(1, total + 1))
    assert {int(t) for _, t in numbers} == {total}
    title = content.topic("facilitator_guide", lang=lang)["title"]
    assert pdf_text(path).count(title) >= total  # running header on pages 2.. plus the cover


@pytest.mark.parametrize("lang", ["id", "en"])
def test_guide_has_agenda_scripts_checklists_questions_and_recording(pdfs, lang):
    text = pdf_text(pdfs("guide", lang))
    guide = content.topic("facilitator_guide", lang=lang)["blocks"]
    needles = [b["heading"] for b in guide.values()]
    assert_in_order(text, needles)
    assert_in_order(text, [row["activity"] for row in guide["agenda"]["rows"]])
    assert_in_order(text, [s["text"] for s in guide["demo_massage"]["steps"]])
    assert_in_order(text, [s["text"] for s in guide["demo_marmet"]["steps"]])
    for instrument_id in CHECKLIST_INSTRUMENTS:
        items = registry.get(instrument_id).items
        assert_in_order(text, [item.label_for(lang) for item in items])
    qa = {e["id"]: e for e in content.qa_entries(lang=lang)}
    assert_in_order(
        text,
        [qa[i]["question"] for i in guide["common_questions"]["qa_ids"]],
    )
    assert_in_order(text, [i["text"] for i in guide["recording"]["items"]])


@pytest.mark.parametrize("lang", ["id", "en"])
def test_guide_appendix_contains_every_leaflet_step_in_order(pdfs, lang):
    assert_in_order(pdf_text(pdfs("guide", lang)), procedure_needles(lang))


def test_guide_prints_footer_and_qr_url(pdfs, footer):
    text = pdf_text(pdfs("guide", "id"))
    assert_in_order(text, [footer.facility_name, footer.midwife_phone, footer.qr_url])


def test_guide_renders_without_footer():
    pdf = render_facilitator_guide(lang="en")
    assert pdf.startswith(b"%PDF")


def test_guide_agenda_adds_up_to_two_hours():
    rows = content.topic("facilitator_guide", lang="id")["blocks"]["agenda"]["rows"]
    timed, total = agenda_rows(rows)
    assert total == 120
    assert timed[0]["start"] == "0:00"
    assert timed[-1]["end"] == "2:00"


def test_guide_html_variant_links_static_css_not_local_files():
    html = render_facilitator_guide_html(lang="en", static_url="/static/")
    assert '<html lang="en">' in html
    assert 'href="/static/materials/css/guide-doc.css"' in html
    assert "file://" not in html
    assert "<style>" not in html  # print-only rules are left out of the web variant


def test_guide_rejects_unknown_language():
    with pytest.raises(LeafletError):
        render_facilitator_guide_html(lang="fr")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_guide_keeps_pregnant_women_to_observing_and_models(pdfs, lang):
    """H3 / FACTS §15: observe and practise on a model; expression only after birth, or from
    37 weeks after a midwife's screening; the rule is a [U] default flagged for the midwife."""
    text = pdf_text(pdfs("guide", lang))
    guide = content.topic("facilitator_guide", lang=lang)["blocks"]
    pregnant = guide["pregnant"]
    assert_in_order(
        text,
        [pregnant["heading"], content.labels(lang=lang)["review_badge"]]
        + [i["text"] for i in pregnant["items"]]
        + [pregnant["review_note"]],
    )
    assert {"id": "37\u00a0minggu", "en": "37\u00a0weeks"}[lang] in pregnant["items"][2]["text"]
    practice = next(r for r in guide["agenda"]["rows"] if r["id"] == "practice")
    assert {"id": "model atau gambar", "en": "model or picture"}[lang] in practice["notes"]
    raw_about = content.load_raw("facilitator_guide")["blocks"][0]["items"][0]["text"]["id"]
    assert "hamil tua" not in raw_about


@pytest.mark.parametrize("lang", ["id", "en"])
def test_guide_has_the_danger_section_with_both_tiers(pdfs, lang):
    text = pdf_text(pdfs("guide", lang))
    guide = content.topic("facilitator_guide", lang=lang)["blocks"]
    danger = content.topic("danger_signs", lang=lang)["blocks"]
    assert_in_order(
        text,
        [guide["danger"]["heading"], guide["danger"]["items"][0]["text"]]
        + [danger["urgent"]["heading"], danger["urgent_baby"]["items"][0]["text"]]
        + [danger["urgent_mother"]["items"][-1]["text"], danger["consult"]["heading"]],
    )


def test_maternal_fever_is_a_same_day_referral_not_a_massage_caution():
    """H4: the caution sends a feverish mother to the midwife the same day."""
    cautions = content.topic("oxytocin_massage", lang="id")["blocks"]["cautions"]["items"]
    fever = next(c["text"] for c in cautions if "demam" in c["text"])
    assert "hari itu juga" in fever
    assert "Tanya bidan dulu bila ibu demam" not in fever
    assert any("hamil" in c["text"] for c in cautions)
    mother = content.topic("danger_signs", lang="id")["blocks"]["urgent_mother"]["items"]
    assert "Demam" in mother[0]["text"]
