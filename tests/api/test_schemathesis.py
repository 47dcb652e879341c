"""Property-based run of schemathesis against the committed OpenAPI schema, through the
Django WSGI app with a real token: no 5xx, and every response conforms to the schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "openapi" / "schema.json"

schema = schemathesis.openapi.from_dict(json.loads(SCHEMA_PATH.read_text()))
schema.app = get_wsgi_application()


@pytest.fixture
def bidan_token(world, tokens, transactional_db):
    return tokens["bidan"]


@pytest.mark.slow
@schema.include(method=["GET", "POST", "PATCH"]).parametrize()
@settings(
    max_examples=4,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.filter_too_much],
)  # fmt: skip
def test_api_conforms_to_its_schema(case, bidan_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {bidan_token}"},
        checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                response_schema_conformance],
    )  # fmt: skip
