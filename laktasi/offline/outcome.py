"""Machine-readable answers to forms replayed from a phone's offline queue.

A queued submission is sent with the header ``X-Laktasi-Offline: 1``. The view then answers
with JSON instead of a page: ``{"outcome": ..., "reason": ..., "message": ..., "url": ...}``.

- ``created`` (201): saved now; ``duplicate`` (200): this idempotency key saved it before.
  Either way the phone removes the item from its queue.
- ``conflict`` (409): cannot be saved as it is (``reason`` says why); the item stays queued,
  marked with ``message`` (what happened and what to do).
- ``invalid`` (422): the form has errors (``errors``); the item stays queued.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

OFFLINE_HEADER = "X-Laktasi-Offline"

STATUS = {"created": 201, "duplicate": 200, "conflict": 409, "invalid": 422}


def offline_requested(request: HttpRequest) -> bool:
    """True when the request was replayed from the offline queue."""
    return request.headers.get(OFFLINE_HEADER) == "1"


def offline_outcome(
    outcome: str,
    *,
    reason: str = "",
    message: str = "",
    url: str = "",
    errors: dict[str, list[str]] | None = None,
) -> JsonResponse:
    """The JSON answer for one replayed submission (never personal data: ids and texts)."""
    body: dict[str, object] = {"outcome": outcome, "reason": reason, "message": str(message)}
    if url:
        body["url"] = url
    if errors:
        body["errors"] = {k: [str(e) for e in v] for k, v in errors.items()}
    response = JsonResponse(body, status=STATUS[outcome])
    response["Cache-Control"] = "no-store"
    return response
