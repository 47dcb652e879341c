"""Filling instruments in the browser: score and category at once, history, scoping."""

from __future__ import annotations

import pytest

from laktasi.instruments.models import Response
from laktasi.mothers.services import consent_record
from tests.web.helpers import checklist_answers, client_for, knowledge_answers, record_payload

pytestmark = pytest.mark.django_db


def fill_url(mother, instrument_id="knowledge_test", timepoint="pre"):
    return f"/instrumen/ibu/{mother.pk}/{instrument_id}/{timepoint}/"


def test_every_web_instrument_renders_a_form(world):
    mother = world.mothers["melati"]
    client = client_for(world.users["kader"])
    for instrument_id in (
        "knowledge_test",
        "oxytocin_massage_checklist",
        "marmet_checklist",
        "milk_smoothness",
        "breastfeeding_confidence",
        "bses_sf",
        "family_support",
        "sociocultural_interview",
    ):
        response = client.get(fill_url(mother, instrument_id))
        assert response.status_code == 200, instrument_id
        assert 'name="form_token"' in response.content.decode()


def test_knowledge_test_shows_score_and_category_after_saving(world):
    mother = world.mothers["melati"]
    client = client_for(world.users["kader"])
    data = record_payload(knowledge_answers(20), program=world.program.pk)
    response = client.post(fill_url(mother), data, follow=True)
    saved = Response.objects.get()
    assert saved.score_pct == 80.0
    assert saved.category == "baik"
    assert saved.collected_by == world.users["kader"]
    assert saved.program == world.program
    assert str(saved.submission_uuid) == data["form_token"]
    page = response.content.decode()
    assert '<p class="score-big" id="score">80.0 %' in page
    assert ">Good</span>" in page


def test_score_uses_the_decimal_comma_in_indonesian(world):
    mother = world.mothers["melati"]
    client = client_for(world.users["kader"], lang="id")
    data = record_payload(knowledge_answers(11), program=world.program.pk)
    page = client.post(fill_url(mother), data, follow=True).content.decode()
    assert "44,0 %" in page


def test_double_submitted_response_saves_once(world):
    mother = world.mothers["melati"]
    client = client_for(world.users["kader"])
    data = record_payload(knowledge_answers(20), program=world.program.pk)
    first = client.post(fill_url(mother), data)
    second = client.post(fill_url(mother), data)
    assert Response.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_unanswered_items_are_marked_and_nothing_is_saved(world):
    mother = world.mothers["melati"]
    answers = knowledge_answers(20)
    first_item = next(iter(answers))
    del answers[first_item]
    client = client_for(world.users["kader"])
    response = client.post(fill_url(mother), record_payload(answers))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Some items are not answered yet" in page
    assert "Please answer this item." in page
    assert f'id="item-{first_item.removeprefix("q_")}"' in page
    assert not Response.objects.exists()


def test_invalid_choice_is_refused_inline(world):
    mother = world.mothers["melati"]
    answers = knowledge_answers(20)
    answers[next(iter(answers))] = "maybe"
    response = client_for(world.users["kader"]).post(fill_url(mother), record_payload(answers))
    assert "Select a valid choice" in response.content.decode()
    assert not Response.objects.exists()


def test_second_response_for_the_same_timepoint_is_refused(world):
    mother = world.mothers["melati"]
    client = client_for(world.users["kader"])
    client.post(fill_url(mother), record_payload(knowledge_answers(20), program=world.program.pk))
    again = client.post(
        fill_url(mother), record_payload(knowledge_answers(5), program=world.program.pk)
    )
    assert "already recorded for this mother at this timepoint" in again.content.decode()
    assert Response.objects.count() == 1


def test_opening_a_done_instrument_goes_to_its_correction(world):
    mother = world.mothers["melati"]
    client = client_for(world.users["kader"])
    client.post(fill_url(mother), record_payload(knowledge_answers(20), program=world.program.pk))
    saved = Response.objects.get()
    response = client.get(fill_url(mother), {"program": world.program.pk})
    assert response.status_code == 302
    assert response["Location"] == f"/instrumen/jawaban/{saved.pk}/ubah/"


def test_correction_keeps_history_and_shows_it(world):
    mother = world.mothers["melati"]
    client = client_for(world.users["kader"])
    client.post(fill_url(mother), record_payload(knowledge_answers(20), program=world.program.pk))
    saved = Response.objects.get()
    edit = client.get(f"/instrumen/jawaban/{saved.pk}/ubah/")
    assert edit.status_code == 200
    data = {"form_token": "", **knowledge_answers(10)}
    response = client.post(f"/instrumen/jawaban/{saved.pk}/ubah/", data)
    assert response.status_code == 302
    saved.refresh_from_db()
    assert (saved.score_pct, saved.category) == (40.0, "kurang")
    assert saved.history.count() == 2
    assert saved.history.earliest().category == "baik"
    page = client.get(f"/instrumen/jawaban/{saved.pk}/").content.decode()
    assert 'id="history"' in page
    assert "corrected" in page
    assert "recorded" in page


def test_massage_checklist_records_which_companion_performed(world):
    mother = world.mothers["melati"]
    companion = mother.companions.get()
    client = client_for(world.users["kader"])
    form = client.get(fill_url(mother, "oxytocin_massage_checklist", "post")).content.decode()
    assert 'name="performed_by_companion"' in form
    assert companion.name in form
    data = record_payload(
        checklist_answers("oxytocin_massage_checklist", 15),
        program=world.program.pk,
        performed_by_companion=companion.pk,
    )
    page = client.post(
        fill_url(mother, "oxytocin_massage_checklist", "post"), data, follow=True
    ).content.decode()
    saved = Response.objects.get()
    assert saved.performed_by_companion == companion
    assert saved.category == "kompeten"
    assert ">Competent</span>" in page


def test_missing_critical_step_is_shown(world):
    mother = world.mothers["melati"]
    client = client_for(world.users["kader"])
    data = record_payload(checklist_answers("oxytocin_massage_checklist", 8))
    page = client.post(
        fill_url(mother, "oxytocin_massage_checklist"), data, follow=True
    ).content.decode()
    assert Response.objects.get().category == "belum_kompeten"
    assert "Critical steps not done correctly" in page


def test_follow_up_needs_its_number(world):
    mother = world.mothers["melati"]
    client = client_for(world.users["kader"])
    response = client.post(
        fill_url(mother, "knowledge_test", "followup"), record_payload(knowledge_answers(20))
    )
    assert "Which follow-up is this" in response.content.decode()
    ok = client.post(
        fill_url(mother, "knowledge_test", "followup"),
        record_payload(knowledge_answers(20), followup_number=1),
    )
    assert ok.status_code == 302
    assert Response.objects.get().followup_number == 1


def test_instrument_pages_are_scoped(world):
    other = world.mothers["mawar"]
    client = client_for(world.users["kader"])
    assert client.get(fill_url(other)).status_code == 404
    assert client.post(fill_url(other), record_payload(knowledge_answers(20))).status_code == 404
    assert client.get(f"/instrumen/ibu/{other.pk}/").status_code == 404
    own = client_for(world.users["kader_mawar"])
    own.post(fill_url(other), record_payload(knowledge_answers(20)))
    saved = Response.objects.get()
    assert client.get(f"/instrumen/jawaban/{saved.pk}/").status_code == 404
    assert client.get(f"/instrumen/jawaban/{saved.pk}/ubah/").status_code == 404
    assert (
        client_for(world.users["viewer"]).get(fill_url(world.mothers["melati"])).status_code == 404
    )


def test_unknown_instrument_or_timepoint_is_404(world):
    mother = world.mothers["melati"]
    client = client_for(world.users["kader"])
    assert client.get(fill_url(mother, "no_such_test")).status_code == 404
    assert client.get(fill_url(mother, "knowledge_test", "later")).status_code == 404
    assert client.get(fill_url(mother, "feeding_recall_24h")).status_code == 404


def test_without_consent_nothing_can_be_recorded(world):
    mother = world.mothers["melati"]
    consent_record(mother=mother, recorded_by=None, text_version="1", action="withdrawn")
    client = client_for(world.users["kader"])
    response = client.post(fill_url(mother), record_payload(knowledge_answers(20)))
    # After a withdrawal she is out of every non-administrator's scope (issue 16, M3).
    assert response.status_code == 404
    assert not Response.objects.exists()


def test_chooser_shows_done_and_missing(world):
    mother = world.mothers["melati"]
    client = client_for(world.users["kader"])
    client.post(fill_url(mother), record_payload(knowledge_answers(20), program=world.program.pk))
    saved = Response.objects.get()
    page = client.get(f"/instrumen/ibu/{mother.pk}/").content.decode()
    assert f"/instrumen/jawaban/{saved.pk}/" in page
    assert f"{fill_url(mother, 'knowledge_test', 'post')}?program={world.program.pk}" in page


def test_program_matrix_shows_done_and_missing_per_mother(world):
    mother = world.mothers["melati"]
    client = client_for(world.users["kader"])
    client.post(fill_url(mother), record_payload(knowledge_answers(20), program=world.program.pk))
    saved = Response.objects.get()
    response = client.get(f"/instrumen/program/{world.program.pk}/")
    page = response.content.decode()
    assert "Siti Melati" in page
    assert f'class="cell-done" href="/instrumen/jawaban/{saved.pk}/"' in page
    assert f"{fill_url(mother, 'knowledge_test', 'post')}?program={world.program.pk}" in page
    fragment = client.get(f"/instrumen/program/{world.program.pk}/", HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode()
    assert 'class="matrix"' in fragment.content.decode()


def test_program_matrix_is_scoped(world):
    world.program.enrollments.create(mother=world.mothers["mawar"])
    page = client_for(world.users["kader"]).get(f"/instrumen/program/{world.program.pk}/")
    assert "Dewi Mawar" not in page.content.decode()
    assert (
        client_for(world.users["kader_mawar"])
        .get(f"/instrumen/program/{world.program.pk}/")
        .status_code
        == 404
    )
    assert (
        client_for(world.users["viewer"]).get(f"/instrumen/program/{world.program.pk}/").status_code
        == 404
    )


def test_double_submitted_correction_adds_one_history_entry(world):
    mother = world.mothers["melati"]
    client = client_for(world.users["kader"])
    client.post(fill_url(mother), record_payload(knowledge_answers(20), program=world.program.pk))
    saved = Response.objects.get()
    data = {"form_token": "", **knowledge_answers(12)}
    client.post(f"/instrumen/jawaban/{saved.pk}/ubah/", data)
    again = client.post(f"/instrumen/jawaban/{saved.pk}/ubah/", data)
    assert again.status_code == 302
    assert saved.history.count() == 2
