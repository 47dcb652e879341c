"""Errors as problem details (RFC 9457): ``application/problem+json`` with type, title,
status and detail, plus ``errors`` (field -> messages) for invalid input.

Every error the API returns goes through :func:`problem`, so clients parse one shape.
"""

from __future__ import annotations

import json
import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "urn:laktasi:problem:"

TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    412: "Precondition failed",
    422: "Invalid input",
    428: "Precondition required",
    500: "Internal server error",
}


class Problem(Schema):
    """A problem details object (RFC 9457)."""

    type: str
    title: str
    status: int
    detail: str = ""
    errors: dict[str, list[str]] | None = None


class ProblemError(Exception):
    """Raise inside an endpoint to answer with a problem of this status."""

    def __init__(self, status: int, detail: str = "", *, kind: str = "", errors=None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.kind = kind
        self.errors = errors


def problem(
    status: int, detail: str = "", *, kind: str = "", errors: dict | None = None
) -> HttpResponse:
    """An ``application/problem+json`` response."""
    body: dict = {
        "type": PROBLEM_BASE + kind if kind else "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = {str(k): [str(m) for m in v] for k, v in errors.items()}
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_CONTENT_TYPE
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="laktasi"'
    return response


def _ninja_errors(exc: NinjaValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "payload")]
        errors.setdefault(".".join(loc) or "request", []).append(str(err.get("msg", "invalid")))
    return errors


def _django_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
    return {"request": [str(m) for m in exc.messages]}


def _problem(request: HttpRequest, exc: ProblemError):
    return problem(exc.status, exc.detail, kind=exc.kind, errors=exc.errors)


def _invalid(request: HttpRequest, exc: NinjaValidationError):
    return problem(422, "The request is not valid.", kind="validation",
                   errors=_ninja_errors(exc))  # fmt: skip


def _rejected(request: HttpRequest, exc: DjangoValidationError):
    return problem(422, "The data was refused.", kind="validation",
                   errors=_django_errors(exc))  # fmt: skip


def _conflict(request: HttpRequest, exc: IntegrityError):
    return problem(409, "The record conflicts with an existing one.", kind="conflict")


def _unauthenticated(request: HttpRequest, exc: AuthenticationError):
    return problem(401, "Send a valid API token: Authorization: Bearer <token>.")


def _forbidden(request: HttpRequest, exc: AuthorizationError):
    return problem(404, "Not found.")


def _denied(request: HttpRequest, exc: PermissionDenied):
    # Never confirm that something exists outside the user's scope.
    return problem(404, "Not found.")


def _not_found(request: HttpRequest, exc: Http404):
    return problem(404, "Not found.")


def _http(request: HttpRequest, exc: HttpError):
    return problem(exc.status_code, str(exc))


def _crash(request: HttpRequest, exc: Exception):
    logger.exception("API error on %s %s", request.method, request.path)
    return problem(500, "Something went wrong; the error was logged.")


# Exception class -> handler, registered on the API by install().
_HANDLERS = (
    (ProblemError, _problem),
    (NinjaValidationError, _invalid),
    (DjangoValidationError, _rejected),
    (IntegrityError, _conflict),
    (AuthenticationError, _unauthenticated),
    (AuthorizationError, _forbidden),
    (PermissionDenied, _denied),
    (Http404, _not_found),
    (HttpError, _http),
    (Exception, _crash),
)


def install(api: NinjaAPI) -> None:
    """Register the problem handlers on ``api``."""
    for exc_class, handler in _HANDLERS:
        api.exception_handler(exc_class)(handler)
