"""A local stand-in for KoboToolbox and ODK Central: ``http.server`` in a thread on 127.0.0.1.

Neither server runs here; this double serves the response shapes their documentation gives:

- KoboToolbox API v2, asset data (https://support.kobotoolbox.org/api.html and the
  ``/api/v2/assets/{uid}/data/`` page of the server's own API docs): ``GET
  /api/v2/assets/{uid}/data/?format=json`` with ``Authorization: Token …`` →
  ``{"count", "next", "previous", "results"}``, paginated through ``next``; an invalid token
  → 401 ``{"detail": "Invalid token."}``; submissions carry ``meta/instanceID``, ``_uuid``,
  ``meta/rootUuid`` (stable across edits, kobotoolbox/kpi#3940), ``meta/deprecatedID`` after
  an edit, and ``_validation_status`` (``{"uid": "validation_status_not_approved", …}``).
- ODK Central API (https://docs.getodk.org/central-api/): ``POST /v1/sessions`` →
  ``{"token", "expiresAt", "createdAt"}``; ``GET /v1/projects/{id}/forms/{xmlFormId}.svc/
  Submissions?$top&$skip&$count=true`` with ``Authorization: Bearer …`` →
  ``{"@odata.context", "@odata.count", "value": [{"__id", "__system": {…, "reviewState",
  "edits"}, "meta": {"instanceID"}, <groups as nested objects>}]}``; ``DELETE
  /v1/sessions/current`` logs out; a wrong password → 401.

Every request is recorded (method, path, Authorization header) so tests can check that the
token only travels in the header.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

KOBO_TOKEN = "kobo-token-9f8e7d"
ODK_EMAIL, ODK_PASSWORD, ODK_SESSION = "tim@example.org", "sandi-rahasia", "session-abc123"


@dataclass
class FakeServers:
    kobo_assets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    kobo_page_size: int = 2
    odk_forms: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    delay_seconds: float = 0.0
    requests: list[tuple[str, str, str]] = field(default_factory=list)
    url: str = ""


class _Handler(BaseHTTPRequestHandler):
    """The fake servers' routes; ``state`` is set per server by :func:`_handler`."""

    state: FakeServers

    def log_message(self, *args):  # keep the test output quiet
        pass

    def _send(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _record(self):
        self.state.requests.append((self.command, self.path, self.headers.get("Authorization", "")))
        if self.state.delay_seconds:
            time.sleep(self.state.delay_seconds)

    def do_POST(self):
        self._record()
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        if self.path != "/v1/sessions":
            return self._send(404, {"code": 404.1, "message": "Not found"})
        if (body.get("email"), body.get("password")) != (ODK_EMAIL, ODK_PASSWORD):
            return self._send(
                401,
                {
                    "code": 401.2,
                    "message": "Could not authenticate with the provided credentials.",
                },
            )
        return self._send(
            200,
            {"token": ODK_SESSION, "expiresAt": "2026-12-04T07:00:00.000Z",
             "createdAt": "2026-12-03T07:00:00.000Z"},
        )  # fmt: skip

    def do_DELETE(self):
        self._record()
        ok = self.path == "/v1/sessions/current"
        self._send(200 if ok else 404, {"success": True} if ok else {"code": 404.1})

    def do_GET(self):
        self._record()
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        parts = url.path.strip("/").split("/")
        if parts[:3] == ["api", "v2", "assets"] and parts[4:] == ["data"]:
            return self._kobo(parts[3], query)
        if parts[:2] == ["v1", "projects"] and len(parts) == 6 and parts[5] == "Submissions":
            return self._odk(parts[2], parts[4].removesuffix(".svc"), query)
        return self._send(404, {"detail": "Not found."})

    def _kobo(self, uid: str, query: dict[str, str]):
        if self.headers.get("Authorization") != f"Token {KOBO_TOKEN}":
            return self._send(401, {"detail": "Invalid token."})
        if uid not in self.state.kobo_assets:
            return self._send(404, {"detail": "Not found."})
        rows = self.state.kobo_assets[uid]
        start, limit = int(query.get("start", 0)), self.state.kobo_page_size
        end = start + limit
        nxt = (
            f"{self.state.url}/api/v2/assets/{uid}/data/?format=json&limit={limit}&start={end}"
            if end < len(rows)
            else None
        )
        prev = f"{self.state.url}/api/v2/assets/{uid}/data/?format=json&start=0" if start else None
        self._send(200, {"count": len(rows), "next": nxt, "previous": prev,
                         "results": rows[start:end]})  # fmt: skip

    def _odk(self, project: str, form: str, query: dict[str, str]):
        if self.headers.get("Authorization") != f"Bearer {ODK_SESSION}":
            return self._send(401, {"code": 401.2, "message": "Could not authenticate."})
        rows = self.state.odk_forms.get((project, urllib.parse.unquote(form)))
        if rows is None:
            return self._send(404, {"code": 404.1, "message": "Could not find the resource."})
        top, skip = int(query.get("$top", len(rows))), int(query.get("$skip", 0))
        body = {
            "@odata.context": f"{self.state.url}/v1/projects/{project}/forms/{form}.svc/$metadata#Submissions",
            "value": rows[skip : skip + top],
        }
        if query.get("$count") == "true":
            body["@odata.count"] = len(rows)
        self._send(200, body)


def _handler(state: FakeServers) -> type[BaseHTTPRequestHandler]:
    return type("Handler", (_Handler,), {"state": state})


class running_servers:
    """``with running_servers() as fake:`` serves on ``fake.url`` until the block ends."""

    def __enter__(self) -> FakeServers:
        self.state = FakeServers()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.state))
        self.state.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self.state

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)
