"""Problem details speak the client's language: Indonesian with ``Accept-Language: id``,
English with ``en`` or without the header (machine clients keep what they had)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def _problem(api, role, path, language=None):
    client = api(role)
    if language:
        client.headers = {**client.headers, "Accept-Language": language}
    return client.get(path).json()


def test_problem_details_follow_accept_language(api):
    indonesian = _problem(api, None, "/api/mothers", "id-ID,id;q=0.9,en;q=0.5")
    assert indonesian["title"] == "Perlu autentikasi"
    assert indonesian["detail"].startswith("Kirim token API yang valid")
    english = _problem(api, None, "/api/mothers", "en-US,en;q=0.9")
    assert english["title"] == "Authentication required"
    assert _problem(api, None, "/api/mothers")["title"] == "Authentication required"


def test_a_not_found_and_a_refusal_are_in_indonesian_too(api):
    assert _problem(api, "kader", "/api/mothers/999999", "id")["detail"] == "Tidak ditemukan."
    refused = _problem(api, "viewer", "/api/fhir/Bundle", "id")
    assert refused["detail"].startswith("Peran Anda tidak dapat mengekspor FHIR")
