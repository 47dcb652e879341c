"""The bilingual content files: structure, FACTS references, wording rules, Q&A coverage."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from laktasi.materials import content

ROOT = Path(__file__).resolve().parents[2]
# The in-repository copy of FACTS.md's sections and labels (scripts/facts_index.py writes it).
FACTS_INDEX = ROOT / "docs" / "facts-index.txt"
# The source, beside the repository where the shared folder is (development machines and CI).
FACTS_MD = ROOT.parent / "shared" / "domain" / "FACTS.md"
LEAFLET_TOPICS = ("key_messages", "oxytocin_massage", "marmet", "storage", "enough_milk")


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _fact_refs(node):
    if isinstance(node, dict):
        yield from node.get("facts", []) if isinstance(node.get("facts"), list) else []
        for value in node.values():
            yield from _fact_refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _fact_refs(value)


def test_content_files_have_no_problems():
    assert content.content_problems() == []


def _facts_index() -> dict[str, set[str]]:
    """Section number -> the confidence labels written in that section."""
    sections = {}
    for line in FACTS_INDEX.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        number, _title, labels = (part.strip() for part in line.split("|"))
        sections[number] = set(labels.split())
    return sections


def test_every_fact_reference_names_a_facts_section_and_a_label_written_there():
    sections = _facts_index()
    assert len(sections) > 40  # the index is the real one, not an empty file
    names = (*LEAFLET_TOPICS, "facilitator_guide", "qa", "sources", "danger_signs")
    checked = 0
    for name in names:
        for ref in _fact_refs(content.load_raw(name)):
            match = re.match(r"§(\d+(?:\.\d+)?)(.*)$", ref)
            assert match, f"{name}: {ref!r} is not a FACTS reference (§N or §N.M)"
            section, rest = match.groups()
            assert section in sections, f"{name}: {ref} points to no FACTS.md section"
            label = re.search(r"\[(S2|S|U)\b", rest)
            if label:
                assert label.group(1) in sections[section], (
                    f"{name}: {ref} cites [{label.group(1)}], not a label of FACTS §{section}"
                )
            checked += 1
    assert checked > 100


def test_the_facts_index_check_fails_for_a_missing_section_or_label(monkeypatch):
    """The check above can fail: a reference to no section, or to a label the section lacks."""
    for bad in ("§99.1", "§11.1 [U]"):
        monkeypatch.setattr(content, "load_raw", lambda _name, bad=bad: {"facts": [bad]})
        with pytest.raises(AssertionError, match="FACTS"):
            test_every_fact_reference_names_a_facts_section_and_a_label_written_there()


@pytest.mark.skipif(not FACTS_MD.exists(), reason="no shared/domain/FACTS.md beside the repo")
def test_the_facts_index_is_current_with_facts_md():
    """Regenerate with scripts/facts_index.py when FACTS.md changes."""
    from scripts.facts_index import build

    assert FACTS_INDEX.read_text(encoding="utf-8") == build(FACTS_MD.read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", ["id", "en"])
def test_topics_localise_to_plain_strings(lang):
    for name in LEAFLET_TOPICS:
        data = content.topic(name, lang=lang)
        for text in _strings(data):
            assert "{'id'" not in text


def test_massage_wording_stays_modest():
    """Oxytocin massage is a comfort/let-down aid ([S2]/[U] evidence): no "proven" claims."""
    for name in LEAFLET_TOPICS:
        for lang in ("id", "en"):
            for text in _strings(content.topic(name, lang=lang)):
                lowered = text.lower()
                assert "terbukti" not in lowered, text
                assert "proven" not in lowered, text
    about = content.topic("oxytocin_massage", lang="id")["blocks"]["about"]["text"]
    assert "dapat membantu" in about


def test_cautions_are_flagged_for_midwife_review():
    cautions = content.load_raw("oxytocin_massage")["blocks"]
    block = next(b for b in cautions if b["id"] == "cautions")
    assert block["review"] == "midwife"
    assert "§1.3 [U]" in block["facts"]
    assert "ditinjau bidan" in block["review_note"]["id"]
    assert "reviewed by a midwife" in block["review_note"]["en"]


def test_marmet_cycle_is_5_7_then_3_5_then_2_3_minutes():
    rounds = content.topic("marmet", lang="id")["blocks"]["cycle"]["rounds"]
    assert [(r["minutes_min"], r["minutes_max"], r["then_flow"]) for r in rounds] == [
        (5, 7, True),
        (3, 5, True),
        (2, 3, False),
    ]


def test_storage_table_follows_the_cdc_table():
    rows = {
        r["id"]: r["cells"] for r in content.topic("storage", lang="en")["blocks"]["table"]["rows"]
    }
    flat = {key: " | ".join(cells).replace("\u00a0", " ") for key, cells in rows.items()}
    assert "up to 4 hours | up to 4 days | best within 6 months; up to 12 months" in flat["fresh"]
    assert "1\u2060–\u20602 hours | up to 1 day (24 hours) | never refreeze" in flat["thawed"]
    assert "within 2 hours" in flat["leftover"]
    one_door = content.topic("storage", lang="id")["blocks"]["one_door"]["text"]
    assert "2\u00a0minggu" in one_door


def test_qa_has_at_least_25_bilingual_entries_with_sources():
    entries = content.qa_entries()
    assert len(entries) >= 25
    for entry in entries:
        assert entry["facts"]
        assert entry["sources"]
        for key in ("question", "answer", "seek_help"):
            assert entry[key]["id"].strip()
            assert entry[key]["en"].strip()


def test_every_answer_ends_by_pointing_to_a_health_worker():
    for entry in content.qa_entries():
        assert re.search(r"bidan|puskesmas|dokter|posyandu", entry["seek_help"]["id"]), entry["id"]
        assert re.search(r"midwife|puskesmas|doctor|posyandu", entry["seek_help"]["en"]), entry[
            "id"
        ]


def test_qa_keywords_cover_everyday_phrasings():
    keywords = {k for e in content.qa_entries() for k in e["keywords_id"]}
    for phrase in ("asi ga keluar", "asi seret", "sufor", "susu formula", "asi basi", "asip",
                   "kulkas", "madu", "kolostrum", "air tajin"):  # fmt: skip
        assert any(phrase in k for k in keywords), phrase


def test_qa_covers_the_facts_section_9_myths():
    covered = {
        ref.split()[1] for e in content.qa_entries() for ref in e["facts"] if ref.startswith("§9 #")
    }
    assert {f"#{n}" for n in range(1, 26)} <= covered


def test_unknown_language_is_rejected():
    with pytest.raises(content.ContentError):
        content.topic("marmet", lang="jv")


def test_typeset_keeps_numbers_with_units_and_curls_quotes():
    assert content.typeset("≤ 25 °C") == "≤\u00a025\u00a0°C"
    assert content.typeset("2–3 menit") == "2\u2060–\u20603\u00a0menit"
    assert content.typeset('say "yes"') == "say \u201cyes\u201d"
