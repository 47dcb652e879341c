"""The red-flag layer over the Q&A search: danger phrasings in everyday Indonesian show the
"Tanda bahaya" banner with the same-day advice and list the danger entry first (SQLite and
PostgreSQL); ordinary questions do not.

Thresholds: every listed danger phrasing must raise the banner (recall 100 %): a missed danger
sign answered with reassurance is the harm this layer exists to prevent (review H2). False
alarms on ordinary questions must stay at or below 5 %: a banner on every question teaches
mothers and kader to ignore it, and 5 % is at most 1 in 20 routine questions.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.urls import reverse

from laktasi.materials import content, redflags
from laktasi.materials.selectors import qa_search_entries
from laktasi.materials.services import qa_load
from tests.conftest import PASSWORD

CASES = yaml.safe_load((Path(__file__).parent / "redflag_cases.yaml").read_text())
DANGER = CASES["danger"]
ORDINARY = CASES["ordinary"]
MAX_FALSE_ALARM = 0.05


def test_red_flag_layer_recall_and_false_alarm_rates(capsys):
    assert len(DANGER) >= 60
    assert len(ORDINARY) >= 60
    missed = [c["q"] for c in DANGER if not redflags.danger_signs(c["q"])]
    alarms = [q for q in ORDINARY if redflags.danger_signs(q)]
    recall = 1 - len(missed) / len(DANGER)
    false_alarm = len(alarms) / len(ORDINARY)
    with capsys.disabled():
        print(  # noqa: T201 - the issue asks for the rates in the test output
            f"\nred-flag layer: recall {recall:.1%} ({len(DANGER) - len(missed)}/{len(DANGER)} "
            f"danger phrasings), false alarms {false_alarm:.1%} ({len(alarms)}/{len(ORDINARY)} "
            "ordinary questions)"
        )
    assert missed == [], "danger phrasings without the banner"
    assert false_alarm <= MAX_FALSE_ALARM, alarms


@pytest.mark.parametrize("case", DANGER, ids=[c["q"] for c in DANGER])
def test_danger_phrasing_names_its_danger_entry_first(case):
    assert redflags.danger_signs(case["q"]).entries[0] == case["entry"]


def test_every_flagged_entry_is_a_shipped_danger_entry():
    danger_ids = {e["id"] for e in content.qa_entries() if e["topic"] == "danger"}
    assert {rule.entry for rule in redflags.RULES} <= danger_ids
    assert set(redflags.PRIORITY) == danger_ids


@pytest.mark.parametrize(
    ("typed", "seen"),
    [
        ("bayi lemesss", "bayi lemas"),
        ("dede muntah2", "bayi muntah"),
        ("badan anget", "badan hangat"),
        ("bayi demem", "bayi demam"),  # one-letter typo of a danger word
        ("bayi kunign", "bayi kuning"),  # swapped letters
        ("ga mau nyusu", "tidak mau menyusu"),
        ("pipis dikit", "pipis sedikit"),
        ("step by step", "langkah demi langkah"),
    ],
)
def test_normalisation_reads_informal_spellings_and_typos(typed, seen):
    assert redflags.normalize(typed) == seen


def test_real_words_are_not_corrected_into_danger_words():
    # "tali pusat" must not become "pucat"; "lemak" (fat) is not "lemas".
    assert redflags.normalize("tali pusat") == "tali pusat"
    assert not redflags.danger_signs("asi banyak lemak")


@pytest.fixture
def loaded(db):
    return qa_load()


@pytest.mark.parametrize("case", DANGER, ids=[c["q"] for c in DANGER])
def test_danger_query_returns_the_danger_entry_first_in_the_database(loaded, case):
    found = [e.slug for e in qa_search_entries(query=case["q"], lang=case.get("lang", "id"))]
    assert found[0] == case["entry"], found


def test_qa_page_shows_the_danger_banner_above_the_results(client, loaded):
    page = client.get(reverse("materials:qa"), {"q": "bayi kuning"})
    html = page.content.decode()
    assert "Tanda bahaya" in html
    banner = content.topic("danger_signs", lang="id")["blocks"]["banner"]
    assert html.index("data-danger") < html.index('class="qa-entry"')
    assert html.index("Tanda bahaya") < html.index(page.context["results"][0].question)
    assert banner["text"][:40] in html
    assert page.context["results"][0].slug == "bayi-kuning"


def test_qa_page_shows_the_banner_even_without_results(client, db):
    page = client.get(reverse("materials:qa"), {"q": "bayi step"})
    assert page.context["results"] == []
    assert b"data-danger" in page.content


def test_consultation_search_fragment_shows_the_banner(client, loaded):
    url = reverse("materials:qa_search")
    hx = {"HX-Request": "true"}
    danger = client.get(url, {"q": "badan dede anget ga mau nyusu"}, headers=hx)
    assert b"data-danger" in danger.content
    assert b"Tanda bahaya" in danger.content
    ordinary = client.get(url, {"q": "cara menyimpan ASI perah"}, headers=hx)
    assert b"data-danger" not in ordinary.content


def test_english_page_shows_the_english_banner(client, loaded):
    page = client.get(reverse("materials:qa"), {"q": "my baby has a fever", "lang": "en"})
    assert b"Danger sign" in page.content
    assert page.context["results"][0].slug == "bayi-demam"


def test_consultation_form_shows_both_danger_tiers(client, world):
    client.login(username="kader", password=PASSWORD)
    url = reverse("programs:consultation_add", args=[world.mothers["melati"].pk])
    html = client.get(url).content.decode()
    d = content.topic("danger_signs", lang="id")["blocks"]
    urgent = html.index(d["urgent"]["heading"])
    consult = html.index(d["consult"]["heading"])
    assert urgent < html.index(d["urgent_mother"]["items"][0]["text"]) < consult
    assert html.index(d["consult"]["items"][-1]["text"]) > consult
    assert reverse("materials:guide_page") + "#bantuan" in html


def test_mother_page_shows_the_compact_danger_block_with_a_link(client, world):
    client.login(username="kader", password=PASSWORD)
    html = client.get(reverse("mothers:detail", args=[world.mothers["melati"].pk])).content.decode()
    d = content.topic("danger_signs", lang="id")["blocks"]
    assert d["urgent"]["heading"] in html
    assert d["urgent_baby"]["items"][0]["text"] in html
    assert d["consult"]["heading"] not in html  # compact: the same-day tier only
    assert reverse("materials:guide_page") + "#bantuan" in html


def test_shipped_ordinary_questions_rarely_raise_the_banner(capsys):
    """A set not written with the rules: the question texts of every non-danger entry.

    Only the maternal-fever question may flag: fever after birth is a same-day sign (H4).
    """
    questions = {
        e["id"]: e["question"]["id"] for e in content.qa_entries() if e["topic"] != "danger"
    }
    flagged = sorted(i for i, q in questions.items() if redflags.danger_signs(q))
    with capsys.disabled():
        print(f"\nshipped ordinary questions with the banner: {len(flagged)}/{len(questions)}")  # noqa: T201
    assert flagged == ["ibu-sakit-menyusui"]
    assert len(flagged) / len(questions) <= MAX_FALSE_ALARM
