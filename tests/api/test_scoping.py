"""The role × endpoint × in-scope/out-of-scope matrix: out of scope is always 404 and lists
count only what is in scope."""

from __future__ import annotations

import pytest

from laktasi.followups.models import Visit
from laktasi.instruments.services import response_record
from laktasi.privacy.models import AccessLogEntry
from tests.api.test_fhir import first_choice_answers

# Which of the world's mothers each role sees (the web's scoping rules).
SEES = {
    "admin": {"melati", "mawar", "kenanga"},
    "coordinator": {"melati"},
    "bidan": {"melati", "mawar"},
    "kader": {"melati"},
    "kader_mawar": {"mawar"},
    "viewer": set(),
}
ROLES = sorted(SEES)
MOTHERS = ("melati", "mawar", "kenanga")


@pytest.fixture
def objects(scheduled):
    world = scheduled
    out = {}
    for key, mother in world.mothers.items():
        response, _ = response_record(
            mother=mother, instrument_id="milk_smoothness", timepoint="pre",
            answers=first_choice_answers("milk_smoothness"), collected_by=None,
        )  # fmt: skip
        visit = Visit.objects.filter(baby__mother=mother).order_by("due_date").first()
        out[key] = {"mother": mother.pk, "response": response.pk, "visit": visit.pk}
    return out


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("who", MOTHERS)
@pytest.mark.parametrize(
    ("endpoint", "kind"),
    [("/api/mothers/{}", "mother"), ("/api/responses/{}", "response"),
     ("/api/visits/{}", "visit")],
)  # fmt: skip
def test_detail_is_200_in_scope_and_404_outside(api, objects, role, who, endpoint, kind):
    response = api(role).get(endpoint.format(objects[who][kind]))
    expected = 200 if who in SEES[role] else 404
    assert response.status_code == expected
    if expected == 404:
        assert response["Content-Type"] == "application/problem+json"
        assert "count" not in response.json()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ["/api/mothers", "/api/responses", "/api/visits"])
def test_lists_count_only_what_is_in_scope(api, objects, world, role, endpoint):
    body = api(role).get(endpoint, limit=500).json()
    mothers = {pk: key for key, pk in ((k, v["mother"]) for k, v in objects.items())}
    seen = {mothers[item["mother"] if "mother" in item else item["id"]] for item in body["items"]}
    assert seen == SEES[role]
    if endpoint == "/api/mothers":
        assert body["count"] == len(SEES[role])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("who", MOTHERS)
def test_consent_write_out_of_scope_is_404(api, objects, role, who):
    response = api(role).post(
        f"/api/mothers/{objects[who]['mother']}/consents", {"text_version": "2"}
    )
    assert response.status_code == (201 if who in SEES[role] else 404)


@pytest.mark.parametrize("role", ROLES)
def test_programs_sessions_and_facilities_follow_the_web(api, world, role):
    programs = api(role).get("/api/programs").json()["items"]
    visible = role != "kader_mawar"  # Melati's program is outside Posyandu Mawar's area
    assert [p["id"] for p in programs] == ([world.program.pk] if visible else [])
    detail = api(role).get(f"/api/programs/{world.program.pk}")
    assert detail.status_code == (200 if visible else 404)
    kenanga = api(role).get(f"/api/facilities/{world.kenanga.pk}")
    # Coordinators see the facilities of their programs (and of their mothers) only (M5).
    assert kenanga.status_code == (200 if role in {"admin", "viewer"} else 404)


def test_full_nik_only_for_admin_and_bidan(api, world):
    pk = world.mothers["melati"].pk
    assert api("admin").get(f"/api/mothers/{pk}").json()["nik"] == "3523120101950001"
    assert api("bidan").get(f"/api/mothers/{pk}").json()["nik"] == "3523120101950001"
    assert api("kader").get(f"/api/mothers/{pk}").json()["nik"].endswith("0001")
    assert "3523120101950001" not in api("kader").get(f"/api/mothers/{pk}").content.decode()
    listing = api("admin").get("/api/mothers").content.decode()
    assert "3523120101950001" not in listing


def test_detail_read_is_access_logged(api, world):
    api("kader").get(f"/api/mothers/{world.mothers['melati'].pk}")
    entry = AccessLogEntry.objects.get()
    assert (entry.channel, entry.username) == ("api", "kader")


def test_indicators_are_scoped_and_report_downloads(api, world):
    assert api("viewer").get("/api/indicators").status_code == 200
    other = api("kader").get("/api/indicators", level="posyandu", unit=str(world.mawar.pk))
    assert other.status_code == 404
    own = api("kader").get("/api/indicators", level="posyandu", unit=str(world.melati.pk))
    assert own.status_code == 200
    assert {t["key"] for t in own.json()["tables"]} >= {"indicators", "by_age"}
    report = api("viewer").get(f"/api/programs/{world.program.pk}/report", format="html")
    assert report.status_code == 200
    assert report["Content-Type"].startswith("text/html")
    outside = api("kader_mawar").get(f"/api/programs/{world.program.pk}/report", format="csv")
    assert outside.status_code == 404
