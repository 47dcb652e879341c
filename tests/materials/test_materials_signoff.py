"""The content sign-off sheet: every block with FACTS reference, label and review flag, the
content version, read back from the PDF; the same version on every leaflet and guide."""

from __future__ import annotations

import pytest
from django.urls import reverse
from pypdf import PdfReader

from laktasi.materials import content
from laktasi.materials.signoff import render_signoff_pdf, signoff_rows
from tests.conftest import PASSWORD

from .conftest import ARTIFACTS, assert_in_order, pdf_text


@pytest.fixture(scope="module")
def signoff_pdf():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "signoff-id.pdf"
    path.write_bytes(render_signoff_pdf(lang="id"))
    return path


def test_every_block_item_and_qa_entry_has_a_row():
    rows = signoff_rows(lang="id")
    where = {row.where for row in rows}
    for name in (*content.TOPICS, "facilitator_guide"):
        for block in content.load_raw(name)["blocks"]:
            assert f"{name} · {block['id']}" in where
    for entry in content.qa_entries():
        assert f"qa · {entry['id']}" in where
    assert all(row.facts and row.confidence in ("S", "S2", "U") for row in rows)


def test_unsourced_and_flagged_content_is_marked_for_the_midwife():
    rows = {row.where: row for row in signoff_rows(lang="en")}
    assert rows["oxytocin_massage · cautions"].review  # review: midwife
    assert rows["facilitator_guide · pregnant"].review  # [U] FACTS §15 default
    assert rows["qa · ibu-demam-nifas"].review  # [U] app rule
    assert not rows["danger_signs · urgent_baby · 5"].review  # convulsions, [S]
    assert rows["danger_signs · urgent_baby · 5"].confidence == "S"
    assert all(row.review for row in rows.values() if row.confidence == "U")


def test_signoff_pdf_reads_back_with_version_labels_and_flags(signoff_pdf):
    text = pdf_text(signoff_pdf)
    labels = content.labels(lang="id")
    assert_in_order(text, [labels["signoff_title"], content.content_version()])
    danger = content.topic("danger_signs", lang="id")["blocks"]
    assert_in_order(text, [danger["urgent_baby"]["items"][0]["text"], "§11.3", "[S2]"])
    assert_in_order(text, ["facilitator_guide · pregnant", "[U]", labels["review_flag"]])
    assert_in_order(text, [labels["signoff_approved"]])
    assert len(PdfReader(signoff_pdf).pages) >= 5


def test_signoff_pages_need_a_login_and_serve_html_and_pdf(client, world):
    url = reverse("materials:signoff")
    assert client.get(url).status_code == 302
    client.login(username="kader", password=PASSWORD)
    page = client.get(url, {"lang": "en"})
    assert page.status_code == 200
    assert content.content_version().encode() in page.content
    assert b"To be reviewed by a midwife" in page.content
    pdf = client.get(reverse("materials:signoff_pdf"), {"lang": "id"})
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_guide_prints_the_content_version(pdfs, lang):
    text = pdf_text(pdfs("guide", lang))
    assert_in_order(text, [content.labels(lang=lang)["content_version"], content.content_version()])


def test_content_version_changes_with_the_content(tmp_path, monkeypatch):
    before = content.content_version()
    copy = tmp_path / "content"
    copy.mkdir()
    for path in content.CONTENT_DIR.glob("*.yaml"):
        (copy / path.name).write_bytes(path.read_bytes())
    (copy / "qa.yaml").write_text((copy / "qa.yaml").read_text() + "\n# edited\n")
    monkeypatch.setattr(content, "CONTENT_DIR", copy)
    content.content_version.cache_clear()
    try:
        after = content.content_version()
    finally:
        monkeypatch.undo()
        content.content_version.cache_clear()
    assert after != before
    assert after.startswith(content.CONTENT_RELEASE)
