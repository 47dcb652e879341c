"""A request id on every request (``X-Request-ID`` in and out) and on every log line.

A trusted proxy's id is kept when it looks like an id (letters, digits, dashes, at most 64);
anything else is replaced, so a header cannot inject text into the logs.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

from django.core.signals import request_finished

_current: contextvars.ContextVar[str] = contextvars.ContextVar("laktasi_request_id", default="-")
VALID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
HEADER = "HTTP_X_REQUEST_ID"


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.META.get(HEADER, "")
        request_id = given if VALID.match(given) else uuid.uuid4().hex
        request.request_id = request_id
        # Kept until the response is closed (request_finished): Django logs 4xx/5xx answers
        # after the middleware chain has returned.
        _current.set(request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


def _forget(**kwargs) -> None:
    _current.set("-")


request_finished.connect(_forget, dispatch_uid="laktasi-request-id")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every log record (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get()
        return True
