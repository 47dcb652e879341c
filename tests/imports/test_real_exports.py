"""Every file of the real-export corpus (tests/imports/real/, written by KoboToolbox's formpack
and ODK Central's central-backend export code) imports with the expected result.

The truth is ``real/truth/<instrument>.json``: the XML values of every submission, scored here
with laktasi's own scoring. State A is the first export; state B is later (S1 edited, S2 marked
Not approved and S9 its approved correction; ODK Central has no review status, so its B is A
with S1 edited).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from django.utils import translation

from laktasi.imports.models import ImportStatus
from laktasi.imports.services import importjob_accept_incomplete, importjob_commit
from laktasi.instruments import registry, scoring
from laktasi.instruments.models import Response
from laktasi.instruments.services import program_rules
from laktasi.mothers.models import Mother
from tests.conftest import register
from tests.imports.conftest import run_import

pytestmark = pytest.mark.django_db
REAL = Path(__file__).parent / "real"
MOTHERS = ["LK-AAAA2222", "LK-BBBB3333", "LK-CCCC4444", "LK-DDDD5555"]
INSTRUMENTS = sorted(p.stem for p in (REAL / "truth").glob("*.json"))
KOBO_B = ["B_default_labels_id.xlsx", "B_xml.csv", "B_labels_id.csv", "B_labels_en.xlsx",
          "B_xml_no_groups.xlsx"]  # fmt: skip
KOBO_B_MULTI = ["B_labels_id_summary.csv", "B_labels_id_details.xlsx", "B_xml_details.csv"]
CENTRAL_B = ["B.csv", "B_no_groups.csv", "B_split.csv"]


def kobo_b_cases():
    return [(i, f) for i in INSTRUMENTS for f in KOBO_B] + [
        (i, f) for i in INSTRUMENTS for f in KOBO_B_MULTI if (REAL / "files/kobo" / i / f).exists()
    ]


@pytest.fixture
def corpus(world):
    """The corpus's four mothers, with consent, in the world's program area."""
    for n, identifier in enumerate(MOTHERS):
        mother = register(f"Ibu Korpus {n}", world.melati, world.regions["35.23.12.2005"])
        Mother.objects.filter(pk=mother.pk).update(identifier=identifier)
    return world


def truth(instrument_id: str, state: str) -> list[dict]:
    return json.loads((REAL / "truth" / f"{instrument_id}.json").read_text("utf-8"))[state]


def expected(instrument_id: str, subs: list[dict], program) -> dict[uuid.UUID, tuple]:
    """(answers, score_pct, category) by submission identity, from laktasi's scoring."""
    # The corpus was made from the version 1 XLSForms (tests/imports/real/README.md); later
    # versions (e.g. oxytocin_massage_checklist v2) have other items.
    definition = registry.get(instrument_id, "1")
    scorer = scoring.Scorer(definition, program_rules(program=program, instrument=definition))
    out = {}
    for s in subs:
        result = scorer(s["answers"])
        answers = json.loads(json.dumps(scoring.normalise_answers(definition, s["answers"])))
        out[uuid.UUID(s["root"])] = (answers, result.score_pct, result.category or "")
    return out


def stored() -> dict[uuid.UUID, tuple]:
    return {r.submission_uuid: (r.answers, r.score_pct, r.category) for r in Response.objects.all()}


def imported(path: Path, world, **kwargs):
    with translation.override("en"):
        return run_import(path, program=world.program, **kwargs)


@pytest.mark.parametrize(("tool", "file"), [("kobo", "A_xml.csv"), ("central", "A.csv")])
@pytest.mark.parametrize("instrument_id", INSTRUMENTS)
def test_first_export_imports_every_submission_with_its_score(corpus, instrument_id, tool, file):
    job, _ = imported(REAL / "files" / tool / instrument_id / file, corpus)
    assert (job.status, job.created, job.rejected) == (ImportStatus.COMMITTED, 8, 0), job.errors
    assert stored() == expected(instrument_id, truth(instrument_id, "A"), corpus.program)


@pytest.mark.parametrize(("instrument_id", "file"), kobo_b_cases())
def test_kobo_later_export_alone_skips_not_approved(corpus, instrument_id, file):
    job, _ = imported(REAL / "files/kobo" / instrument_id / file, corpus)
    assert (job.created, job.skipped, job.rejected) == (8, 1, 0), job.errors
    assert any("Not approved in KoboToolbox: rows 3" in n for n in job.notes), job.notes
    later = [s for s in truth(instrument_id, "B") if s["review"] != "not_approved"]
    assert stored() == expected(instrument_id, later, corpus.program)


@pytest.mark.parametrize(("instrument_id", "file"), kobo_b_cases())
def test_kobo_edit_and_review_update_the_first_import(corpus, instrument_id, file):
    imported(REAL / "files/kobo" / instrument_id / "A_xml.csv", corpus)
    job, _ = imported(REAL / "files/kobo" / instrument_id / file, corpus)
    assert (job.created, job.updated, job.skipped, job.rejected) == (0, 2, 7, 0), job.errors
    notes = " ".join(job.notes)
    assert "2 submissions were edited" in notes
    assert "approved, replaces a submission marked Not approved" in notes
    later = [s for s in truth(instrument_id, "B") if s["review"] != "not_approved"]
    assert stored() == expected(instrument_id, later, corpus.program)
    assert Response.objects.count() == 8
    again, _ = imported(REAL / "files/kobo" / instrument_id / file, corpus)
    assert (again.created, again.updated, again.skipped) == (0, 0, 9)


@pytest.mark.parametrize("instrument_id", INSTRUMENTS)
def test_kobo_deselected_question_is_refused_then_stored_without_score(corpus, instrument_id):
    path = REAL / "files/kobo" / instrument_id / "B_deselected_labels_id.xlsx"
    first_item = registry.get(instrument_id, "1").items[0].id  # the corpus's form version
    job, plan = imported(path, corpus)
    assert job.missing_items == [first_item]
    assert any(first_item in n and "Columns not in the file" in n for n in job.notes)
    scored = registry.get(instrument_id, "1").kind != "interview"
    if scored:
        assert job.status == ImportStatus.REFUSED
        assert Response.objects.count() == 0
        importjob_accept_incomplete(job=job, accept=True)
        job.status = ImportStatus.PREVIEWED
        job.save()
        importjob_commit(job=job)
        job.refresh_from_db()
    assert (job.status, job.created, job.skipped) == (ImportStatus.COMMITTED, 8, 1)
    for response in Response.objects.all():
        assert first_item not in response.answers
        if scored:
            assert (response.score_pct, response.category, response.complete) == (None, "", False)
            assert response.details["not_collected"] == [first_item]


@pytest.mark.parametrize("file", CENTRAL_B)
@pytest.mark.parametrize("instrument_id", INSTRUMENTS)
def test_central_edit_updates_and_group_or_split_layouts_import(corpus, instrument_id, file):
    path = REAL / "files/central" / instrument_id / file
    later = [s for s in truth(instrument_id, "B") if s["n"] != 9]
    job, _ = imported(path, corpus)
    assert (job.created, job.rejected) == (8, 0), job.errors
    assert stored() == expected(instrument_id, later, corpus.program)
    Response.objects.all().delete()
    imported(REAL / "files/central" / instrument_id / "A.csv", corpus)
    job, _ = imported(path, corpus)
    assert (job.created, job.updated, job.skipped, job.rejected) == (0, 1, 7, 0), job.errors
    assert stored() == expected(instrument_id, later, corpus.program)


def test_kobo_csv_is_semicolon_separated_and_fully_quoted():
    header = (REAL / "files/kobo/knowledge_test/B_xml.csv").read_text("utf-8").splitlines()[0]
    assert header.startswith('"mother_id";"timepoint";')
    assert header.endswith('"_tags";"meta/rootUuid";"_index"')
