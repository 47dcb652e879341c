"""Tokens (hashed, shown once, revocable), problem-details errors and the docs page."""

from __future__ import annotations

import hashlib

from laktasi.api.models import ApiToken
from laktasi.api.services import token_create, token_revoke
from tests.conftest import PASSWORD


def test_token_is_stored_only_as_its_sha256(world):
    token, raw = token_create(user=world.users["kader"], name="ODK")
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {stored.token_hash, stored.prefix, stored.name}


def test_request_without_token_gets_401_problem(api):
    response = api(None).get("/api/mothers")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == 401


def test_wrong_and_revoked_tokens_are_refused(world, api, tokens):
    assert api("kader").get("/api/mothers").status_code == 200
    bad = api(None)
    bad.headers = {"Authorization": "Bearer lkt_not-a-real-token"}
    assert bad.get("/api/mothers").status_code == 401
    token_revoke(token=ApiToken.objects.get(user=world.users["kader"]))
    assert api("kader").get("/api/mothers").status_code == 401


def test_inactive_user_token_stops_working(world, api):
    world.users["bidan"].is_active = False
    world.users["bidan"].save()
    assert api("bidan").get("/api/mothers").status_code == 401


def test_invalid_input_is_a_422_problem_with_field_errors(api):
    response = api("kader").post("/api/mothers", {"full_name": ""})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"]


def test_web_page_creates_token_shown_once_and_revokes_it(world, client):
    client.login(username="kader", password=PASSWORD)
    page = client.post("/api/token/", {"name": "Skrip dasbor"})
    assert page.status_code == 200
    token = ApiToken.objects.get(user=world.users["kader"])
    raw = page.context["new_token"]
    assert raw.startswith(token.prefix)
    assert raw not in client.get("/api/token/").content.decode()
    client.post(f"/api/token/{token.pk}/cabut/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_user_cannot_revoke_someone_elses_token(world, client):
    other, _raw = token_create(user=world.users["bidan"], name="x")
    client.login(username="kader", password=PASSWORD)
    assert client.post(f"/api/token/{other.pk}/cabut/").status_code == 404


def test_docs_page_uses_vendored_swagger_assets(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn.jsdelivr" not in html
    assert "unpkg" not in html
    assert "<script>" not in html  # only external scripts and a JSON data block


def test_openapi_json_is_served(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/mothers" in schema["paths"]
    assert "Problem" in schema["components"]["schemas"]


def test_administrator_revokes_a_token_in_the_admin(world, client):
    token, _raw = token_create(user=world.users["kader"], name="lost phone")
    client.login(username="admin", password=PASSWORD)
    page = client.get("/admin/api/apitoken/")
    assert page.status_code == 200
    assert token.token_hash not in page.content.decode()
    client.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None
