"""Q&A search: query normalisation and the FTS5 prototype against everyday phrasings."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from laktasi.materials import content
from laktasi.materials.search import (
    build_fts5_index,
    document_columns,
    fts5_match,
    fts5_search,
    normalize_query,
    pg_tsquery,
    stem_variants,
)

CASES = yaml.safe_load((Path(__file__).parent / "search_cases.yaml").read_text())["cases"]


@pytest.fixture(scope="module")
def index():
    conn = build_fts5_index()
    yield conn
    conn.close()


def test_fixture_has_at_least_20_cases_with_known_entries():
    ids = {e["id"] for e in content.qa_entries()}
    assert len(CASES) >= 20
    assert {c["expect"] for c in CASES} <= ids


@pytest.mark.parametrize("case", CASES, ids=[c["q"] for c in CASES])
def test_everyday_phrasing_finds_the_expected_entry_first(index, case):
    results = fts5_search(index, case["q"], lang=case.get("lang", "id"))
    assert results, "no result"
    assert results[0] == case["expect"], results


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("ASI-nya ga keluar!!", "asinya tidak keluar"),
        ("Boleh kasih SUFOR?", "boleh beri susu formula"),
        ("asip nggak tahan lama", "asi perah tidak tahan lama"),
        ("gimana  cara\tnenen yg benar...", "bagaimana cara menyusu yang benar"),
        ("mp-asi umur 6 bln", "mp asi umur 6 bln"),
        ("gak, gk, enggak, tdk", "tidak tidak tidak tidak"),
    ],
)
def test_normalize_query(raw, normalized):
    assert normalize_query(raw) == normalized


def test_stem_variants_meet_affixed_forms():
    assert "cair" in stem_variants("dicairkan")
    assert "cair" in stem_variants("mencairkan")
    assert "simpan" in stem_variants("menyimpan")
    assert "perah" in stem_variants("memerah")
    assert "pijat" in stem_variants("pijatannya")


def test_punctuation_only_query_matches_nothing(index):
    assert fts5_match("?!...") == ""
    assert fts5_search(index, "?? !!") == []


def test_query_syntax_characters_cannot_break_the_match(index):
    """FTS5 operators typed by a user are quoted as words: no syntax error, the same answers."""
    typed = 'asi "perah" OR NEAR(madu) * -kulkas'
    match = fts5_match(typed)
    assert "NEAR(" not in match
    assert " * " not in match
    assert "-kulkas" not in match
    results = fts5_search(index, typed)
    assert results
    assert results[:3] == fts5_search(index, "asi perah or near madu kulkas")[:3]


def test_search_is_per_language(index):
    assert fts5_search(index, "honey newborn", lang="en")[0] == "madu-bayi"
    assert all(isinstance(i, str) for i in fts5_search(index, "madu", lang="en"))


def test_pg_tsquery_uses_prefixes_and_phrases():
    query = pg_tsquery("asip beku")
    assert "perah:*" in query
    assert "beku:*" in query
    assert "(perah <-> beku)" in query


def test_document_columns_index_keywords_and_stems():
    entry = next(e for e in content.qa_entries() if e["id"] == "mencairkan-asip")
    cols = document_columns(entry, lang="id")
    assert "cair" in cols["search_keywords"].split()
    assert "asi perah" in cols["search_keywords"]
