"""Mother pages: registration, duplicates, search without names in URLs, filters, scoping."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from laktasi.instruments.services import response_record
from laktasi.mothers.models import Mother
from laktasi.mothers.services import mother_update
from tests.conftest import register
from tests.web.helpers import client_for, knowledge_answers, registration_payload

pytestmark = pytest.mark.django_db

REGISTER = "/ibu/daftar/"


def payload(world, **overrides) -> dict:
    return registration_payload(**{"facility": world.melati.pk, **overrides})


def answers_of(form_fields: dict) -> dict:
    return {k.removeprefix("q_"): v for k, v in form_fields.items()}


# ---------------------------------------------------------------------------- registration


def test_cadre_registers_mother_with_baby_companion_and_consent(world):
    client = client_for(world.users["kader"])
    response = client.post(REGISTER, payload(world))
    mother = Mother.objects.get(full_name="Ani Lestari")
    assert response.status_code == 302
    assert response["Location"] == reverse("mothers:detail", args=[mother.pk])
    assert mother.facility == world.melati
    assert mother.registered_by == world.users["kader"]
    assert mother.phone == "081234567890"
    assert mother.delivery_date.isoformat() == "2025-01-02"  # taken from the baby
    assert mother.babies.get().birth_weight_g == 3000
    assert mother.companions.get().name == "Budi"
    consent = mother.consents.get()
    assert (consent.text_version, consent.channel, consent.language) == ("1", "paper", "en")


def test_registration_form_offers_only_the_users_facilities(world):
    page = client_for(world.users["kader"]).get(REGISTER).content.decode()
    assert "Melati" in page
    assert "Mawar" not in page
    assert "Kenanga" not in page


def test_registration_refuses_a_facility_outside_the_users_area(world):
    client = client_for(world.users["kader"])
    response = client.post(REGISTER, payload(world, facility=world.kenanga.pk))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Mother.objects.filter(full_name="Ani Lestari").exists()


def test_double_submitted_registration_saves_once(world):
    client = client_for(world.users["kader"])
    data = payload(world)
    first = client.post(REGISTER, data)
    second = client.post(REGISTER, data)
    assert Mother.objects.filter(full_name="Ani Lestari").count() == 1
    assert second.status_code == 302
    assert second["Location"] == first["Location"]


def test_registration_errors_are_shown_inline_and_nothing_is_saved(world):
    client = client_for(world.users["kader"])
    data = payload(
        world, birth_date="31/02/1997", village="99.99", nik="123", **{"baby-birth_date": ""}
    )
    response = client.post(REGISTER, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter the date as dd/mm/yyyy" in page
    assert "Unknown village code" in page
    assert "NIK must be exactly 16 digits" in page
    assert "Enter the baby&#x27;s date of birth." in page
    assert not Mother.objects.filter(full_name="Ani Lestari").exists()


def test_registration_errors_are_in_indonesian_by_default(world):
    client = client_for(world.users["kader"], lang="id")
    response = client.post(REGISTER, payload(world, full_name=""))
    assert "Bidang ini tidak boleh kosong." in response.content.decode()


def test_registration_needs_consent(world):
    client = client_for(world.users["kader"])
    data = payload(world)
    del data["consent"]
    response = client.post(REGISTER, data)
    assert "Registration needs the mother" in response.content.decode()
    assert not Mother.objects.filter(full_name="Ani Lestari").exists()


def test_baby_born_before_mother_is_refused(world):
    client = client_for(world.users["kader"])
    response = client.post(REGISTER, payload(world, **{"baby-birth_date": "01/01/1990"}))
    assert "The baby cannot be born before the mother." in response.content.decode()
    assert not Mother.objects.filter(full_name="Ani Lestari").exists()


def test_registration_works_without_a_baby_or_companion(world):
    client = client_for(world.users["kader"])
    data = payload(
        world,
        **{
            "baby-birth_date": "",
            "baby-sex": "",
            "baby-birth_weight_g": "",
            "companion-name": "",
        },
    )
    response = client.post(REGISTER, data)
    mother = Mother.objects.get(full_name="Ani Lestari")
    assert response.status_code == 302
    assert not mother.babies.exists()
    assert not mother.companions.exists()


def test_likely_duplicate_needs_explicit_confirmation(world):
    client = client_for(world.users["kader"])
    twin = {"full_name": "Siti Melati", "birth_date": "01/05/1995"}
    warned = client.post(REGISTER, payload(world, **twin))
    page = warned.content.decode()
    assert warned.status_code == 200
    assert 'id="duplicate-warning"' in page
    assert world.mothers["melati"].identifier in page  # in scope: shown with a link
    assert Mother.objects.filter(full_name="Siti Melati").count() == 1
    saved = client.post(REGISTER, payload(world, confirm_duplicate="1", **twin))
    assert saved.status_code == 302
    assert Mother.objects.filter(full_name="Siti Melati").count() == 2


def test_low_name_duplicate_outside_scope_reveals_nothing(world):
    """A same-name, same-birth-date mother outside her scope is not hinted at (issue 16)."""
    other = world.mothers["kenanga"]
    client = client_for(world.users["kader"])
    data = payload(
        world, full_name="Rina Kenanga", birth_date="01/05/1995", village="35.23.11.2001"
    )
    response = client.post(REGISTER, data)
    page = response.content.decode()
    assert 'id="duplicate-warning"' not in page
    assert "outside your area" not in page
    assert other.identifier not in page
    assert response.status_code == 302


def test_low_nik_duplicate_outside_scope_is_answered_generically(world):
    """The NIK of a mother she may not see gets the same words as any unusable NIK."""
    mother_update(mother=world.mothers["kenanga"], nik="3523110101950002")
    client = client_for(world.users["kader"])
    page = client.post(REGISTER, payload(world, nik="3523110101950002")).content.decode()
    assert "This NIK cannot be used" in page or "NIK ini tidak dapat dipakai" in page
    assert "already registered" not in page
    assert "sudah terdaftar" not in page
    assert world.mothers["kenanga"].identifier not in page
    assert Mother.objects.filter(full_name="Ani Lestari").count() == 0


def test_same_nik_cannot_be_saved_anyway(world):
    client = client_for(world.users["kader"])
    data = payload(world, nik="3523 1201 0195 0001", confirm_duplicate="1")
    page = client.post(REGISTER, data).content.decode()
    assert "A mother with this NIK is already registered." in page
    assert 'name="confirm_duplicate"' not in page
    assert Mother.objects.filter(full_name="Ani Lestari").count() == 0


def test_viewer_and_coordinator_cannot_open_registration(world):
    assert client_for(world.users["viewer"]).get(REGISTER).status_code == 404
    assert client_for(world.users["coordinator"]).get(REGISTER).status_code == 404


def test_registration_needs_login(world):
    response = Client().get(REGISTER)
    assert response.status_code == 302
    assert "/masuk/" in response["Location"]


# ---------------------------------------------------------------------------- village search


def test_village_search_fills_the_datalist_with_htmx(world):
    client = client_for(world.users["kader"])
    response = client.get("/ibu/desa/", {"village": "Tasik"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.strip().startswith("<option")
    assert 'value="35.23.12.2005"' in body
    assert "<html" not in body


def test_village_search_works_as_a_page_without_javascript(world):
    page = client_for(world.users["kader"]).get("/ibu/desa/", {"q": "35.23.11"}).content.decode()
    assert "35.23.11.2001" in page
    assert "Tegalrejo" in page
    assert "<html" in page


# ---------------------------------------------------------------------------- the mother's page


def test_cadre_cannot_open_other_posyandu_mother(world):
    client = client_for(world.users["kader"])
    other = world.mothers["mawar"]
    assert client.get(f"/ibu/{other.pk}/").status_code == 404
    assert client.get(f"/ibu/{other.pk}/ubah/").status_code == 404
    assert client.post(f"/ibu/{other.pk}/ubah/", {"full_name": "X"}).status_code == 404


def test_viewer_cannot_open_a_mother(world):
    mother = world.mothers["melati"]
    assert client_for(world.users["viewer"]).get(f"/ibu/{mother.pk}/").status_code == 404


def test_mother_page_shows_her_timeline(world):
    mother = world.mothers["melati"]
    response_record(
        mother=mother,
        instrument_id="knowledge_test",
        timepoint="pre",
        answers=answers_of(knowledge_answers(10)),
        collected_by=None,
        program=world.program,
    )
    page = client_for(world.users["kader"]).get(f"/ibu/{mother.pk}/").content.decode()
    assert 'id="timeline"' in page
    assert "Knowledge test on exclusive breastfeeding" in page
    assert "Poor" in page  # 10/25 = 40 %: Kurang
    assert "40.0 %" in page


def test_mother_page_uses_the_decimal_comma_in_indonesian(world):
    mother = world.mothers["melati"]
    response_record(
        mother=mother,
        instrument_id="knowledge_test",
        timepoint="pre",
        answers=answers_of(knowledge_answers(11)),
        collected_by=None,
        program=world.program,
    )
    page = client_for(world.users["kader"], lang="id").get(f"/ibu/{mother.pk}/").content.decode()
    assert "44,0 %" in page


def test_edit_corrects_the_mother(world):
    mother = world.mothers["melati"]
    client = client_for(world.users["kader"])
    form = client.get(f"/ibu/{mother.pk}/ubah/").context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update(full_name="Siti Melati Rahayu", birth_date="02/05/1995", village="35.23.12.2005")
    data["facility"] = world.melati.pk
    response = client.post(f"/ibu/{mother.pk}/ubah/", data)
    assert response.status_code == 302
    mother.refresh_from_db()
    assert mother.full_name == "Siti Melati Rahayu"
    assert mother.birth_date.isoformat() == "1995-05-02"
    assert mother.nik == "3523120101950001"


def test_edit_shows_errors_and_keeps_the_saved_data(world):
    mother = world.mothers["melati"]
    client = client_for(world.users["kader"])
    response = client.post(
        f"/ibu/{mother.pk}/ubah/",
        {"full_name": "Changed", "birth_date": "01/01/2990", "village": "35.23.12.2005",
         "facility": world.melati.pk, "parity": "1"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Date of birth cannot be in the future." in response.content.decode()
    mother.refresh_from_db()
    assert mother.full_name == "Siti Melati"


# ---------------------------------------------------------------------------- list and search


def test_name_search_is_posted_and_never_in_the_url(world):
    client = client_for(world.users["bidan"])
    response = client.post("/ibu/cari/", {"q": "Dewi"})
    assert response.status_code == 302
    assert response["Location"] == "/ibu/"
    assert "Dewi" not in response["Location"]
    page = client.get("/ibu/").content.decode()
    assert "Dewi Mawar" in page
    assert "Siti Melati" not in page
    cleared = client.post("/ibu/cari/", {"q": "Dewi", "clear": "1"})
    assert cleared["Location"] == "/ibu/"
    assert "Siti Melati" in client.get("/ibu/").content.decode()


def test_a_name_in_the_query_string_is_ignored(world):
    page = client_for(world.users["bidan"]).get("/ibu/", {"q": "Dewi"}).content.decode()
    assert "Siti Melati" in page  # not filtered: names are never read from URLs


def test_search_forms_post_on_home_and_list(world):
    client = client_for(world.users["kader"])
    for url in ("/", "/ibu/"):
        page = client.get(url).content.decode()
        assert 'method="post" action="/ibu/cari/"' in page
        assert 'method="get" class="search"' not in page


def test_search_by_nik_finds_the_mother(world):
    client = client_for(world.users["kader"])
    client.post("/ibu/cari/", {"q": "3523120101950001"})
    assert "Siti Melati" in client.get("/ibu/").content.decode()


def test_list_filters_by_facility_and_village(world):
    client = client_for(world.users["bidan"])
    by_facility = client.get("/ibu/", {"facility": world.mawar.pk}).content.decode()
    assert "Dewi Mawar" in by_facility
    assert "Siti Melati" not in by_facility
    by_village = client.get("/ibu/", {"village": "35.23.12.2005"}).content.decode()
    assert "Siti Melati" in by_village
    assert "Dewi Mawar" not in by_village


def test_list_filters_by_category_and_missing_post_test(world):
    melati = world.mothers["melati"]
    response_record(
        mother=melati,
        instrument_id="knowledge_test",
        timepoint="pre",
        answers=answers_of(knowledge_answers(25)),
        collected_by=None,
        program=world.program,
    )
    client = client_for(world.users["bidan"])
    good = client.get("/ibu/", {"category": "baik"}).content.decode()
    assert "Siti Melati" in good
    assert "Dewi Mawar" not in good
    missing = client.get("/ibu/", {"missing_post": "on"}).content.decode()
    assert "Siti Melati" in missing  # enrolled, pre-test only
    assert "Dewi Mawar" not in missing  # not enrolled in any program
    response_record(
        mother=melati,
        instrument_id="knowledge_test",
        timepoint="post",
        answers=answers_of(knowledge_answers(25)),
        collected_by=None,
        program=world.program,
    )
    assert "Siti Melati" not in client.get("/ibu/", {"missing_post": "on"}).content.decode()


def test_list_is_paginated_and_pages_keep_the_filters(world):
    for n in range(30):
        register(f"Ibu Melati {n:02d}", world.melati, world.regions["35.23.12.2005"])
    client = client_for(world.users["kader"])
    first = client.get("/ibu/", {"facility": world.melati.pk})
    assert first.context["page"].paginator.count == 31
    assert len(first.context["page"].object_list) == 25
    assert f"facility={world.melati.pk}&amp;page=2" in first.content.decode()
    second = client.get("/ibu/", {"facility": world.melati.pk, "page": 2})
    assert len(second.context["page"].object_list) == 6


def test_list_results_render_as_a_fragment_for_htmx(world):
    response = client_for(world.users["kader"]).get("/ibu/", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="results"' in body
    assert "<html" not in body


def test_viewer_gets_404_on_the_list(world):
    assert client_for(world.users["viewer"]).get("/ibu/").status_code == 404
    assert client_for(world.users["viewer"]).post("/ibu/cari/", {"q": "x"}).status_code == 404


def test_home_lists_my_programs_and_mothers(world):
    page = client_for(world.users["kader"]).get("/").content.decode()
    assert "Program Tasikharjo" in page
    assert "Siti Melati" in page
    assert "Dewi Mawar" not in page
    assert "1 mother without a post-test" in page
