"""Marks each page with the cache id of the user it was rendered for, and lets the phone's
sync skip pages that did not change.

The service worker refreshes a cached page only when the response carries the id of the cache
it would go into, so a page rendered for one user never lands in another user's cache.

Each page of a field user carries an ETag: a hash of the page as rendered, without the parts
that differ at every rendering (the CSRF token, one-time form keys). A sync sends the ETag of its cached copy
(If-None-Match) and gets a 304 without the page when nothing on it changed. The page is
rendered either way, so a page that changed is never kept stale. Only the phone's sync
(header ``X-Laktasi-Sync: 1``) gets a 304: an ordinary navigation always gets the whole page,
because a browser revalidating its HTTP cache would otherwise reuse a stored copy's CSRF token
(stale after a new login) and one-time form keys (a second entry would count as a repeat).
"""

from __future__ import annotations

import hashlib
import re

from django.http import HttpResponseNotModified

from laktasi.offline.identity import cache_id, offline_enabled

HEADER = "X-Laktasi-Cache"
# What differs at every rendering of the same page: the CSRF token (masked anew each time) in
# forms and in htmx's headers, and the one-time keys of forms (offline.js gives a page opened
# from the phone's cache fresh keys anyway, core.forms.IdempotencyMixin, followups.forms).
_VOLATILE = re.compile(
    rb'(name="(?:csrfmiddlewaretoken|form_token|submission_uuid)" value=")[^"]*(")'
    rb'|("X-CSRFToken": ")[^"]*(")'
)


def page_etag(content: bytes) -> str:
    """The ETag of a rendered page: equal for two renderings that show the same thing."""
    stable = _VOLATILE.sub(rb"\1\3\2\4", content)
    return '"p' + hashlib.sha256(stable).hexdigest()[:32] + '"'


SYNC_HEADER = "X-Laktasi-Sync"


def _matches(request, etag: str) -> bool:
    if request.headers.get(SYNC_HEADER) != "1":
        return False
    sent = request.headers.get("If-None-Match", "")
    return any(tag.strip().removeprefix("W/") == etag for tag in sent.split(","))


def _html_page(request, response) -> bool:
    return (
        request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
    )


class OfflineCacheHeaderMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not offline_enabled(getattr(request, "user", None)):
            return response
        if _html_page(request, response):
            etag = page_etag(response.content)
            if _matches(request, etag):
                response = HttpResponseNotModified()
            response["ETag"] = etag
        response[HEADER] = cache_id(request.user)
        # Pages of one user must never be shared by an HTTP cache between users.
        response.setdefault("Cache-Control", "private, no-cache")
        return response
