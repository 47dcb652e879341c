"""The double refuses what SATUSEHAT refuses, so a passing sync means something."""

from __future__ import annotations

import copy
import json
import urllib.error
import urllib.request

import pytest

from tests.satusehat.double import Double, Server

ORG = "10000004"
GOOD = {
    "resourceType": "Encounter",
    "identifier": [{"system": f"http://sys-ids.kemkes.go.id/encounter/{ORG}", "value": "e-1"}],
    "status": "finished",
    "statusHistory": [
        {"status": "finished", "period": {"start": "2025-01-25T02:00:00+00:00"}},
    ],
    "class": {"code": "AMB"},
    "subject": {"reference": "Patient/P1"},
    "participant": [{"individual": {"reference": "Practitioner/N1"}}],
    "period": {"start": "2025-01-25T02:00:00+00:00", "end": "2025-01-25T03:00:00+00:00"},
    "location": [{"location": {"reference": "Location/L1"}}],
    "serviceProvider": {"reference": f"Organization/{ORG}"},
}


@pytest.fixture
def running():
    double = Double(clients={"c": "s"})
    double.add_patient("P1", nik="3523120101950001")
    double.add_practitioner("N1", nik="3523124107800009")
    with Server(double) as server:
        yield server


def call(server, method, path, body=None, token=None, form=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = json.dumps(body).encode() if body is not None else form
    url = server.url + path
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - the double
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def token(server) -> str:
    status, body = call(
        server,
        "POST",
        "/oauth2/v1/accesstoken?grant_type=client_credentials",
        form=b"client_id=c&client_secret=s",
    )
    assert status == 200
    return body["access_token"]


def bundle(*resources):
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": f"urn:uuid:{i}",
                "resource": r,
                "request": {"method": "POST", "url": r["resourceType"]},
            }
            for i, r in enumerate(resources)
        ],
    }


def without(key):
    bad = copy.deepcopy(GOOD)
    del bad[key]
    return bad


def changed(**values):
    bad = copy.deepcopy(GOOD)
    bad.update(values)
    return bad


@pytest.mark.parametrize(
    ("resource", "message"),
    [
        (without("statusHistory"), "missing statusHistory"),
        (without("serviceProvider"), "missing serviceProvider"),
        (without("location"), "missing location"),
        (changed(period={"start": "2025-01-25T09:00:00+07:00"}), "UTC"),
        (changed(subject={"reference": "Patient/unknown"}), "Patient/unknown not found"),
        (
            changed(participant=[{"individual": {"reference": "Practitioner/x"}}]),
            "Practitioner/x not found",
        ),
        ({"resourceType": "Group", "type": "person", "actual": True}, "not accepted"),
    ],
)
def test_double_refuses_what_satusehat_refuses(running, resource, message):
    status, body = call(running, "POST", "/fhir-r4/v1", bundle(resource), token(running))
    assert status == 400
    assert message in body["issue"][0]["details"]["text"]
    assert running.double.held("Encounter") == []


def test_double_refuses_a_duplicate_identifier_and_an_expired_token(running):
    bearer = token(running)
    assert call(running, "POST", "/fhir-r4/v1", bundle(GOOD), bearer)[0] == 200
    status, body = call(running, "POST", "/fhir-r4/v1/Encounter", GOOD, bearer)
    assert status == 400
    assert "duplicate" in body["issue"][0]["details"]["text"]
    running.double.tokens[bearer] = 0
    assert call(running, "GET", "/fhir-r4/v1/Patient?identifier=x", token=bearer)[0] == 401


def test_double_refuses_wrong_client_credentials(running):
    status, _ = call(
        running,
        "POST",
        "/oauth2/v1/accesstoken?grant_type=client_credentials",
        form=b"client_id=c&client_secret=wrong",
    )
    assert status == 401
