"""Errors as problem details (RFC 9457): ``application/problem+json`` with type, title,
status and detail, plus ``errors`` (field -> messages) for invalid input.

Every error the API returns goes through :func:`problem`, so clients parse one shape. Title
and detail are in the language the client asks for with ``Accept-Language`` (Indonesian or
English); without the header they stay in English, as before.
"""

from __future__ import annotations

import json
import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext_noop as N_
from django.utils.translation.trans_real import parse_accept_lang_header
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from laktasi.core.middleware import ORIGINAL_ACCEPT_LANGUAGE

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "urn:laktasi:problem:"

TITLES = {
    400: N_("Bad request"),
    401: N_("Authentication required"),
    403: N_("Forbidden"),
    404: N_("Not found"),
    405: N_("Method not allowed"),
    409: N_("Conflict"),
    412: N_("Precondition failed"),
    422: N_("Invalid input"),
    428: N_("Precondition required"),
    500: N_("Internal server error"),
}

# The details the endpoints raise (English msgids, translated when the answer is built); listed
# here so that makemessages extracts them.
ENDPOINT_DETAILS = (
    N_("Send If-Match with the ETag of the record you read."),
    N_("The date is out of range."),
    N_("The record changed since you read it; read it again."),
    N_("This companion is not hers."),
    N_("This mother is not enrolled in the session's program."),
    N_("This visit has already been recorded."),
    N_("Your role cannot change mothers."),
    N_("Your role cannot record attendance."),
    N_("Your role cannot record consent."),
    N_("Your role cannot record responses."),
    N_("Your role cannot record visits."),
    N_("Your role cannot register mothers."),
    N_("Your role sees aggregates only: choose pdf, docx or html."),
    N_("Your role cannot export FHIR: a bundle holds full NIK and phone numbers."),
)


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


def request_language(request: HttpRequest) -> str:
    """The first supported language of ``Accept-Language``; English without one."""
    header = request.META.get(ORIGINAL_ACCEPT_LANGUAGE) or request.META.get("HTTP_ACCEPT_LANGUAGE")
    for code, _quality in parse_accept_lang_header(header or ""):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return "en"


def problem(
    status: int,
    detail: str = "",
    *,
    kind: str = "",
    errors: dict | None = None,
    lang: str = "en",
) -> HttpResponse:
    """An ``application/problem+json`` response in ``lang`` (details are msgids)."""
    with translation.override(lang):
        body: dict = {
            "type": PROBLEM_BASE + kind if kind else "about:blank",
            "title": translation.gettext(TITLES.get(status, "Error")),
            "status": status,
            "detail": translation.gettext(detail) if detail else "",
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
    return problem(exc.status, exc.detail, kind=exc.kind, errors=exc.errors,
                   lang=request_language(request))  # fmt: skip


def _invalid(request: HttpRequest, exc: NinjaValidationError):
    return problem(422, N_("The request is not valid."), kind="validation",
                   errors=_ninja_errors(exc), lang=request_language(request))  # fmt: skip


def _rejected(request: HttpRequest, exc: DjangoValidationError):
    with translation.override(request_language(request)):
        errors = _django_errors(exc)
    return problem(422, N_("The data was refused."), kind="validation",
                   errors=errors, lang=request_language(request))  # fmt: skip


def _conflict(request: HttpRequest, exc: IntegrityError):
    return problem(409, N_("The record conflicts with an existing one."), kind="conflict",
                   lang=request_language(request))  # fmt: skip


def _unauthenticated(request: HttpRequest, exc: AuthenticationError):
    return problem(401, N_("Send a valid API token: Authorization: Bearer <token>."),
                   lang=request_language(request))  # fmt: skip


def _forbidden(request: HttpRequest, exc: AuthorizationError):
    return problem(404, N_("Not found."), lang=request_language(request))


def _denied(request: HttpRequest, exc: PermissionDenied):
    # Never confirm that something exists outside the user's scope.
    return problem(404, N_("Not found."), lang=request_language(request))


def _not_found(request: HttpRequest, exc: Http404):
    return problem(404, N_("Not found."), lang=request_language(request))


def _http(request: HttpRequest, exc: HttpError):
    return problem(exc.status_code, str(exc), lang=request_language(request))


def _crash(request: HttpRequest, exc: Exception):
    logger.exception("API error on %s %s", request.method, request.path)
    return problem(500, N_("Something went wrong; the error was logged."),
                   lang=request_language(request))  # fmt: skip


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
