"""The laktasi REST API: one NinjaAPI with token auth, problem-details errors and a schema
committed to ``openapi/schema.json`` (``laktasi export_openapi --check`` guards drift)."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from laktasi.api import problems
from laktasi.api.auth import TokenAuth
from laktasi.api.endpoints import (
    aggregates,
    fhir,
    followups,
    instruments,
    mothers,
    places,
    programs,
)

API_VERSION = "1.0.0"
DESCRIPTION = """laktasi's REST API.

Authenticate with a personal token (create it on the web page *API tokens*):
`Authorization: Bearer lkt_…`. Every endpoint sees exactly what its user sees on the web;
a record outside the user's scope is a 404, never a 403. Lists are paginated with `limit`
and `offset` and return `{"items": [...], "count": n}`. Errors are problem details
(RFC 9457, `application/problem+json`). Updates of a mother need `If-Match` with the ETag
of the read (412 when stale, 428 when missing). Responses and visits accept a client
`submission_uuid`: sending it again returns the stored record with 200 instead of 201.
"""
STANDARD_ERRORS = {
    "400": "The request cannot be parsed.",
    "401": "No valid API token.",
    "404": "Not found, or outside your scope.",
    "422": "The request is not valid.",
}


class LaktasiAPI(NinjaAPI):
    """Documents the problem responses every operation can give, as problem+json."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})
        schema["components"]["schemas"]["Problem"] = problems.Problem.model_json_schema()
        problem_ref = {"schema": {"$ref": "#/components/schemas/Problem"}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                # ninja keys its responses by int, openapi_extra by str: keep one, str-keyed,
                # the explicit openapi_extra entry winning.
                raw = operation.setdefault("responses", {})
                responses = {str(k): v for k, v in raw.items() if not isinstance(k, str)}
                responses.update({k: v for k, v in raw.items() if isinstance(k, str)})
                operation["responses"] = responses
                for code, description in STANDARD_ERRORS.items():
                    responses.setdefault(code, {"description": description})
                for code, spec in responses.items():
                    if int(code) >= 400:
                        spec["content"] = {problems.PROBLEM_CONTENT_TYPE: problem_ref}
        return schema


api = LaktasiAPI(
    title="laktasi API",
    version=API_VERSION,
    description=DESCRIPTION,
    auth=TokenAuth(),
    urls_namespace="api",
    docs=Swagger(settings={"persistAuthorization": False}),
)
problems.install(api)
api.add_router("", places.router)
api.add_router("", mothers.router)
api.add_router("", programs.router)
api.add_router("", instruments.router)
api.add_router("", followups.router)
api.add_router("", aggregates.router)
api.add_router("", fhir.router)
