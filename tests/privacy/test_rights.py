"""Consent, restriction, export, correction history and the access log."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from laktasi.instruments.services import response_record
from laktasi.mothers.models import Consent, ConsentAction, ConsentSubject, Mother
from laktasi.mothers.services import consent_record, mother_update
from laktasi.privacy.models import AccessAction, AccessLogEntry
from laktasi.privacy.services import mother_restrict
from tests.conftest import PASSWORD

KNOWLEDGE = "knowledge_test"


def _login(client, world, role):
    client.login(username=world.users[role].username, password=PASSWORD)


# --- consent ---------------------------------------------------------------------------


def test_consent_records_are_immutable(world):
    consent = world.mothers["melati"].consents.get()
    consent.purpose = "something else"
    with pytest.raises(ValidationError):
        consent.save()


def test_baby_consent_is_recorded_by_the_parent_as_a_separate_subject(world):
    mother = world.mothers["melati"]
    consent = consent_record(
        mother=mother,
        recorded_by=world.users["bidan"],
        text_version="2",
        subject=ConsentSubject.BABY,
        channel="digital",
        language="id",
    )
    assert consent.subject == "baby"
    assert mother.consents.get(subject="mother").subject == "mother"


def test_withdrawn_consent_stops_new_assessments(world):
    mother = world.mothers["melati"]
    consent_record(
        mother=mother,
        recorded_by=world.users["bidan"],
        text_version="1",
        action=ConsentAction.WITHDRAWN,
    )
    assert Consent.objects.filter(mother=mother).count() == 2  # appended, not changed
    with translation.override("en"), pytest.raises(ValidationError, match="no consent"):
        response_record(
            mother=mother,
            instrument_id=KNOWLEDGE,
            timepoint="pre",
            answers={},
            collected_by=world.users["bidan"],
            program=world.program,
        )


# --- restriction -----------------------------------------------------------------------


def test_restricted_mother_gets_no_new_assessments(world):
    mother = mother_restrict(mother=world.mothers["melati"], by=world.users["admin"])
    with translation.override("en"), pytest.raises(ValidationError, match="restricted"):
        response_record(
            mother=mother,
            instrument_id=KNOWLEDGE,
            timepoint="pre",
            answers={},
            collected_by=world.users["bidan"],
            program=world.program,
        )


def test_restricted_mother_is_hidden_from_lists_except_to_administrators(client, world):
    mother = world.mothers["melati"]
    mother_restrict(mother=mother, by=world.users["admin"])
    _login(client, world, "kader")
    assert client.get(reverse("mothers:detail", args=[mother.pk])).status_code == 404
    assert mother.full_name not in client.get(reverse("mothers:list")).content.decode()
    client.logout()
    _login(client, world, "admin")
    assert client.get(reverse("mothers:detail", args=[mother.pk])).status_code == 200


def test_only_administrators_restrict_and_the_restriction_can_be_lifted(client, world):
    mother = world.mothers["melati"]
    url = reverse("privacy:restrict", args=[mother.pk])
    _login(client, world, "kader")
    assert client.post(url).status_code == 404
    client.logout()
    _login(client, world, "admin")
    client.post(url)
    assert Mother.objects.get(pk=mother.pk).restricted
    client.post(url, {"lift": "1"})
    assert not Mother.objects.get(pk=mother.pk).restricted


def test_restrict_cli(world):
    call_command("privacy", "restrict", world.mothers["melati"].identifier)
    assert Mother.objects.get(pk=world.mothers["melati"].pk).restricted
    assert AccessLogEntry.objects.filter(action="restrict", channel="cli").exists()


# --- export ----------------------------------------------------------------------------


def test_export_json_holds_her_and_her_babys_data_and_who_accessed_it(client, world):
    mother = world.mothers["melati"]
    _login(client, world, "bidan")
    client.get(reverse("mothers:detail", args=[mother.pk]))
    response = client.get(reverse("privacy:export_json", args=[mother.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["records"]["mothers.Mother"][0]["full_name"] == "Siti Melati"
    assert data["records"]["mothers.Mother"][0]["nik"] == "3523120101950001"
    assert data["records"]["mothers.Baby"][0]["birth_weight_g"] == 3100
    assert data["records"]["mothers.Companion"][0]["name"] == "Suami Siti Melati"
    assert {e["action"] for e in data["access_log"]} >= {"view", "export_json"}
    assert all(e["by"] == "bidan" for e in data["access_log"])
    assert data["history"]["mothers.Mother"][0]["type"] == "created"


def test_export_pdf_is_a_pdf(client, world):
    _login(client, world, "bidan")
    response = client.get(reverse("privacy:export_pdf", args=[world.mothers["melati"].pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_export_cli_writes_json_and_pdf(world, tmp_path):
    identifier = world.mothers["melati"].identifier
    call_command("privacy", "export", identifier, "--out", str(tmp_path))
    data = json.loads((tmp_path / f"laktasi-{identifier}.json").read_text())
    assert data["mother_identifier"] == identifier
    assert (tmp_path / f"laktasi-{identifier}.pdf").read_bytes().startswith(b"%PDF")


def test_export_of_out_of_scope_mother_is_404(client, world):
    _login(client, world, "kader")
    for name in ("export_json", "export_pdf", "history", "mother"):
        url = reverse(f"privacy:{name}", args=[world.mothers["kenanga"].pk])
        assert client.get(url).status_code == 404
    assert not AccessLogEntry.objects.exists()


# --- correction history and access log ------------------------------------------------


def test_a_correction_keeps_who_when_old_and_new_value(client, world):
    mother = world.mothers["melati"]
    mother_update(mother=mother, address="Jl. Lama 1")
    mother_update(mother=mother, address="Jl. Baru 2")
    record = mother.history.order_by("-history_date").first()
    delta = record.diff_against(record.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [
        ("address", "Jl. Lama 1", "Jl. Baru 2")
    ]
    _login(client, world, "bidan")
    page = client.get(reverse("privacy:history", args=[mother.pk])).content.decode()
    assert "Jl. Lama 1" in page
    assert "Jl. Baru 2" in page


def test_history_records_the_user_of_a_web_correction(world, rf):
    from simple_history.models import HistoricalRecords

    mother = world.mothers["melati"]
    request = rf.post("/")
    request.user = world.users["bidan"]
    HistoricalRecords.context.request = request
    try:
        mother_update(mother=mother, address="Jl. Baru 3")
    finally:
        del HistoricalRecords.context.request
    assert mother.history.first().history_user == world.users["bidan"]


def test_every_view_of_a_mother_is_logged_without_personal_data(client, world):
    mother = world.mothers["melati"]
    _login(client, world, "kader")
    client.get(reverse("mothers:detail", args=[mother.pk]))
    entry = AccessLogEntry.objects.get()
    assert (entry.username, entry.action, entry.mother_pk) == (
        "kader",
        AccessAction.VIEW,
        mother.pk,
    )
    assert entry.mother_identifier == mother.identifier
    values = " ".join(str(v) for v in AccessLogEntry.objects.values().get().values())
    assert "Siti" not in values
    assert "3523" not in values


def test_access_log_is_read_only_and_for_administrators(client, world):
    mother = world.mothers["melati"]
    _login(client, world, "kader")
    client.get(reverse("mothers:detail", args=[mother.pk]))
    entry = AccessLogEntry.objects.get()
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    client.logout()
    _login(client, world, "admin")
    changelist = reverse("admin:privacy_accesslogentry_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(reverse("admin:privacy_accesslogentry_add")).status_code == 403
    page = client.get(reverse("admin:privacy_accesslogentry_change", args=[entry.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
