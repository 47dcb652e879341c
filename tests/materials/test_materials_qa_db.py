"""The Q&A knowledge base in the database: loading, full-text search on SQLite (FTS5) and
PostgreSQL (tsvector), editing through the service/admin, and the public and htmx pages."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from laktasi.materials import content
from laktasi.materials.models import QAEntry
from laktasi.materials.selectors import qa_search, qa_search_entries
from laktasi.materials.services import qa_entry_delete, qa_entry_save, qa_load
from tests.conftest import PASSWORD

CASES = yaml.safe_load((Path(__file__).parent / "search_cases.yaml").read_text())["cases"]


@pytest.fixture
def loaded(db):
    return qa_load()


def slugs(query: str, lang: str = "id") -> list[str]:
    return [entry.slug for entry in qa_search_entries(query=query, lang=lang)]


def test_loader_creates_every_shipped_entry_then_changes_nothing(loaded):
    assert len(loaded.created) == len(content.qa_entries())
    again = qa_load()
    assert (again.created, again.updated, again.unchanged) == ([], [], len(loaded.created))


@pytest.mark.parametrize("case", CASES, ids=[c["q"] for c in CASES])
def test_everyday_phrasing_finds_the_expected_entry_first_in_the_database(loaded, case):
    found = slugs(case["q"], case.get("lang", "id"))
    assert found, f"no result on {connection.vendor}"
    assert found[0] == case["expect"], found


def test_search_is_per_language_and_ignores_syntax_characters(loaded):
    assert slugs("honey newborn", "en")[0] == "madu-bayi"
    assert slugs('asi "perah" OR NEAR(madu) * -kulkas :) \' ; --') is not None
    assert slugs("?? !!") == []
    assert qa_search(query="madu bayi", lang="en")[0].question.startswith("Can")


def test_unpublished_entry_is_not_found(loaded):
    entry = QAEntry.objects.get(slug="madu-bayi")
    entry.published = False
    qa_entry_save(entry=entry)
    assert "madu-bayi" not in slugs("bayi baru lahir boleh dikasih madu")


def test_edited_entry_is_reindexed_and_kept_by_the_loader(loaded):
    entry = QAEntry.objects.get(slug="madu-bayi")
    entry.keywords_id += "; zamzamwater"
    qa_entry_save(entry=entry)
    assert slugs("zamzamwater") == ["madu-bayi"]
    result = qa_load()
    assert "madu-bayi" in result.kept_edited
    assert "zamzamwater" in QAEntry.objects.get(slug="madu-bayi").keywords_id
    assert slugs("zamzamwater") == ["madu-bayi"]  # one index row set, no duplicates


def test_loader_updates_a_shipped_entry_when_the_file_changes(loaded):
    raw = [dict(e) for e in content.qa_entries()]
    first = raw[0]
    first["keywords_id"] = [*first["keywords_id"], "kataujibaru"]
    result = qa_load(entries=raw)
    assert result.updated == [first["id"]]
    assert slugs("kataujibaru") == [first["id"]]


def test_deleted_entry_leaves_no_search_hit(loaded):
    qa_entry_delete(entry=QAEntry.objects.get(slug="madu-bayi"))
    assert "madu-bayi" not in slugs("madu bayi baru lahir")


def test_load_qa_command_reports_counts(db, capsys):
    call_command("load_qa")
    call_command("load_qa", "--rebuild-index")
    out = capsys.readouterr().out
    assert f"{len(content.qa_entries())} created" in out
    assert "index rebuilt" in out


def test_qa_page_is_public_and_searches(client, loaded):
    response = client.get(reverse("materials:qa"), {"q": "cara ngangetin asip beku"})
    assert response.status_code == 200
    assert response.context["results"][0].slug == "mencairkan-asip"
    listing = client.get(reverse("materials:qa"))
    assert len(listing.context["entries"]) == len(content.qa_entries())


def test_qa_search_fragment_answers_htmx_and_sends_others_to_the_page(client, loaded):
    url = reverse("materials:qa_search")
    fragment = client.get(url, {"q": "madu bayi"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert b"<html" not in fragment.content
    assert b'id="qa-results"' in fragment.content
    plain = client.get(url, {"q": "madu bayi"})
    assert plain.status_code == 302
    assert plain["Location"].startswith(reverse("materials:qa") + "?q=")


def test_consultation_page_offers_the_qa_search_box(client, world):
    client.login(username="kader", password=PASSWORD)
    url = reverse("programs:consultation_add", args=[world.mothers["melati"].pk])
    response = client.get(url)
    assert response.status_code == 200
    assert reverse("materials:qa_search").encode() in response.content


def test_midwife_edits_an_entry_in_the_admin_and_search_follows(client, world, loaded):
    client.login(username="admin", password=PASSWORD)
    entry = QAEntry.objects.get(slug="madu-bayi")
    url = reverse("admin:materials_qaentry_change", args=[entry.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form.initial.get(name, "") for name in form.fields}
    data.update(
        {
            "keywords_id": entry.keywords_id + "; kataadmin",
            "published": "on",
            "sources": '["buku-kia-2024"]',
            "facts": '["§9 #1"]',
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert QAEntry.objects.get(pk=entry.pk).edited
    assert slugs("kataadmin") == ["madu-bayi"]
