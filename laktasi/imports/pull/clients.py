"""Fetch every submission of a form from KoboToolbox or ODK Central (standard library HTTP).

KoboToolbox, API v2 (https://support.kobotoolbox.org/api.html):
``GET {server}/api/v2/assets/{uid}/data/?format=json`` with ``Authorization: Token <token>``
answers ``{"count", "next", "previous", "results": [...]}``; ``next`` is followed until it is
null (and only while it points at the same server).

ODK Central (https://docs.getodk.org/central-api/): ``POST {server}/v1/sessions`` with
``{"email", "password"}`` answers ``{"token", "expiresAt"}``; the OData feed
``GET {server}/v1/projects/{id}/forms/{xmlFormId}.svc/Submissions?$top=N&$skip=M&$count=true``
with ``Authorization: Bearer <token>`` answers ``{"@odata.count", "value": [...]}``; the
session is closed afterwards with ``DELETE {server}/v1/sessions/current``.

The token travels only in the Authorization header, which is never forwarded on a redirect
(``add_unredirected_header``), never in a URL and never in a log or a message.
"""

from __future__ import annotations

import contextlib
import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.utils.translation import gettext_lazy as _

from laktasi.imports.parsers import _TranslatableProblem
from laktasi.imports.pull.models import ServerKind, ServerSource

TIMEOUT_SECONDS = 30
ODK_PAGE = 500
MAX_PAGES = 2000  # 1,000,000 submissions: a server that never ends its pages is refused
MAX_RESPONSE_BYTES = 64 * 1024 * 1024


class PullError(_TranslatableProblem):
    """The server could not be read; nothing was written (translated message)."""


MSG_AUTH = _(
    "%(server)s refused the token or password (HTTP %(status)s). Check them in the program's "
    "data server settings; nothing was imported."
)
MSG_NOT_FOUND = _(
    "%(server)s has no such form or project (HTTP 404). Check the form id; nothing was imported."
)
MSG_HTTP = _("%(server)s answered with an error (HTTP %(status)s); nothing was imported.")
MSG_UNREACHABLE = _(
    "%(server)s cannot be reached (%(reason)s). Check the address and the internet "
    "connection; nothing was imported."
)
MSG_TIMEOUT = _(
    "%(server)s did not answer within %(seconds)s seconds; nothing was imported. Try again later."
)
MSG_BAD_REPLY = _("%(server)s sent an answer laktasi cannot read; nothing was imported.")
MSG_FOREIGN_PAGE = _(
    "%(server)s pointed to another server for the next page; laktasi does not send the token "
    "there, and nothing was imported."
)


class _Client:
    def __init__(self, source: ServerSource, timeout: float = TIMEOUT_SECONDS):
        self.source, self.timeout = source, timeout
        self.base = source.base_url.rstrip("/")
        self.server = source.host

    def request(self, url: str, *, auth: str, method: str = "GET", body: Any = None) -> Any:
        """The server's JSON reply (None when empty); every failure is a PullError that says
        what went wrong in words a coordinator can act on."""
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise PullError(MSG_BAD_REPLY, server=self.server)
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(url, data=data, method=method)  # noqa: S310 (http/https only)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if auth:
            req.add_unredirected_header("Authorization", auth)
        return self._json(self._read(req))

    def _read(self, req: urllib.request.Request) -> bytes:
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as reply:  # noqa: S310
                return reply.read(MAX_RESPONSE_BYTES + 1)
        except urllib.error.HTTPError as exc:
            exc.close()
            raise self._http_error(exc.code) from None
        except TimeoutError as exc:
            raise PullError(MSG_TIMEOUT, server=self.server, seconds=self.timeout) from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError | socket.timeout):
                raise PullError(MSG_TIMEOUT, server=self.server, seconds=self.timeout) from exc
            raise PullError(
                MSG_UNREACHABLE, server=self.server, reason=type(reason).__name__
            ) from exc

    def _json(self, raw: bytes) -> Any:
        if not raw:
            return None
        if len(raw) > MAX_RESPONSE_BYTES:
            raise PullError(MSG_BAD_REPLY, server=self.server)
        try:
            return json.loads(raw)
        except ValueError as exc:
            raise PullError(MSG_BAD_REPLY, server=self.server) from exc

    def _http_error(self, status: int) -> PullError:
        if status in (401, 403):
            return PullError(MSG_AUTH, server=self.server, status=status)
        if status == 404:
            return PullError(MSG_NOT_FOUND, server=self.server)
        return PullError(MSG_HTTP, server=self.server, status=status)

    def same_server(self, url: str) -> bool:
        mine, theirs = urllib.parse.urlsplit(self.base), urllib.parse.urlsplit(url)
        return (mine.scheme, mine.netloc) == (theirs.scheme, theirs.netloc)


def kobo_submissions(source: ServerSource, *, timeout: float = TIMEOUT_SECONDS) -> list[dict]:
    """Every submission of the asset, following ``next`` page by page."""
    client = _Client(source, timeout)
    uid = urllib.parse.quote(source.form_id, safe="")
    url: str | None = f"{client.base}/api/v2/assets/{uid}/data/?format=json"
    auth = f"Token {source.secret}"
    out: list[dict] = []
    for _page in range(MAX_PAGES):
        if url is None:
            return out
        if not client.same_server(url):
            raise PullError(MSG_FOREIGN_PAGE, server=client.server)
        page = client.request(url, auth=auth)
        if not isinstance(page, dict) or not isinstance(page.get("results"), list):
            raise PullError(MSG_BAD_REPLY, server=client.server)
        out += [r for r in page["results"] if isinstance(r, dict)]
        url = page.get("next") or None
    raise PullError(MSG_BAD_REPLY, server=client.server)


def odk_submissions(source: ServerSource, *, timeout: float = TIMEOUT_SECONDS) -> list[dict]:
    """Every submission of the form from the OData feed, ``$top``/``$skip`` page by page."""
    client = _Client(source, timeout)
    session = client.request(
        f"{client.base}/v1/sessions",
        auth="",
        method="POST",
        body={"email": source.username, "password": source.secret},
    )
    token = session.get("token") if isinstance(session, dict) else None
    if not isinstance(token, str) or not token:
        raise PullError(MSG_BAD_REPLY, server=client.server)
    auth = f"Bearer {token}"
    project = urllib.parse.quote(source.project_id, safe="")
    form = urllib.parse.quote(source.form_id, safe="")
    feed = f"{client.base}/v1/projects/{project}/forms/{form}.svc/Submissions"
    out: list[dict] = []
    try:
        for _page in range(MAX_PAGES):
            query = urllib.parse.urlencode({"$top": ODK_PAGE, "$skip": len(out), "$count": "true"})
            page = client.request(f"{feed}?{query}", auth=auth)
            if not isinstance(page, dict) or not isinstance(page.get("value"), list):
                raise PullError(MSG_BAD_REPLY, server=client.server)
            rows = [r for r in page["value"] if isinstance(r, dict)]
            out += rows
            total = page.get("@odata.count")
            if len(rows) < ODK_PAGE or (isinstance(total, int) and len(out) >= total):
                return out
        raise PullError(MSG_BAD_REPLY, server=client.server)
    finally:
        _close_session(client, auth)


def _close_session(client: _Client, auth: str) -> None:
    """Log the session out; a failure here does not matter (it expires on its own)."""
    with contextlib.suppress(PullError):
        client.request(
            f"{client.base}/v1/sessions/current",
            auth=auth,
            method="DELETE",
        )


def fetch_submissions(source: ServerSource, *, timeout: float | None = None) -> list[dict]:
    """Every submission of the source's form (raises PullError with a clear message)."""
    timeout = timeout or TIMEOUT_SECONDS
    if source.kind == ServerKind.KOBO:
        return kobo_submissions(source, timeout=timeout)
    return odk_submissions(source, timeout=timeout)
