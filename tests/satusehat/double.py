"""A local SATUSEHAT double: the paths laktasi uses, with SATUSEHAT's refusals and faults.

Runs ``http.server`` in a thread on 127.0.0.1 (a free port). It knows clients, Patients
(by NIK or nik-ibu) and Practitioners (by NIK); it issues tokens that expire; it takes
transaction bundles (all or nothing) and single POST/PUT, and refuses what SATUSEHAT refuses:
an Encounter without its required elements, times not in UTC, references to unknown
Patients or Practitioners, a second resource with an identifier already held, an expired or
unknown token, anything local (Group, Questionnaire, Consent, ``urn:laktasi``).

Fault modes (``double.fault``, for the next ``double.fault_count`` FHIR writes):
``slow`` (answers after ``slow_seconds``), ``503``, ``drop`` (applies the bundle, then closes
the connection without an answer: the worst case for duplicates), and
``double.reject_identifier`` (a 400 for the record with that Encounter identifier value).
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NIK = "https://fhir.kemkes.go.id/id/nik"
NIK_IBU = "https://fhir.kemkes.go.id/id/nik-ibu"
UTC_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(\+00:00|Z)$")
ENCOUNTER_REQUIRED = (
    "identifier",
    "status",
    "statusHistory",
    "class",
    "subject",
    "participant",
    "period",
    "location",
    "serviceProvider",
)
ACCEPTED = {"Encounter", "Procedure", "Observation", "ServiceRequest"}
TIME_KEYS = {"start", "end", "effectiveDateTime", "performedDateTime", "authoredOn"}


class Refused(Exception):
    def __init__(self, status: int, text: str, code: str = "invalid"):
        super().__init__(text)
        self.status, self.text, self.code = status, text, code


@dataclass
class Double:
    clients: dict[str, str] = field(default_factory=dict)
    patients: list[dict] = field(default_factory=list)
    practitioners: list[dict] = field(default_factory=list)
    token_seconds: int = 3600
    fault: str = ""
    fault_count: int = 0
    slow_seconds: float = 2.0
    reject_identifier: str = ""
    tokens: dict[str, float] = field(default_factory=dict)
    store: dict[str, dict[str, dict]] = field(default_factory=dict)
    log: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    # -- directory ---------------------------------------------------------------------
    def add_patient(self, ihs: str, *, nik: str = "", nik_ibu: str = "", **extra) -> None:
        identifiers = []
        if nik:
            identifiers.append({"system": NIK, "value": nik})
        if nik_ibu:
            identifiers.append({"system": NIK_IBU, "value": nik_ibu})
        self.patients.append(
            {"resourceType": "Patient", "id": ihs, "identifier": identifiers, **extra}
        )

    def add_practitioner(self, ihs: str, *, nik: str) -> None:
        self.practitioners.append(
            {
                "resourceType": "Practitioner",
                "id": ihs,
                "identifier": [{"system": NIK, "value": nik}],
            }
        )

    def held(self, kind: str) -> list[dict]:
        return list(self.store.get(kind, {}).values())

    def writes(self) -> list[str]:
        return [path for method, path in self.log if method in {"POST", "PUT"}]

    # -- checks ------------------------------------------------------------------------
    def _known(self, ref: str, local: dict[str, str]) -> str:
        if ref in local:
            return local[ref]
        kind, _, ident = ref.partition("/")
        if kind == "Patient" and any(p["id"] == ident for p in self.patients):
            return ref
        if kind == "Practitioner" and any(p["id"] == ident for p in self.practitioners):
            return ref
        if kind in {"Location", "Organization"} and ident:
            return ref
        if ident in self.store.get(kind, {}):
            return ref
        raise Refused(400, f"reference {ref} not found", "not-found")

    def _times(self, value, path: str = "") -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if key in TIME_KEYS and isinstance(inner, str) and not UTC_TIME.match(inner):
                    raise Refused(400, f"{path}{key}: time must be in UTC (+00:00): {inner}")
                self._times(inner, f"{path}{key}.")
        elif isinstance(value, list):
            for inner in value:
                self._times(inner, path)

    def _references(self, value, local: dict[str, str]):
        if isinstance(value, dict):
            out = {}
            for key, inner in value.items():
                if key == "reference" and isinstance(inner, str):
                    out[key] = self._known(inner, local)
                else:
                    out[key] = self._references(inner, local)
            return out
        if isinstance(value, list):
            return [self._references(v, local) for v in value]
        return value

    def _check_encounter(self, resource: dict) -> None:
        missing = [key for key in ENCOUNTER_REQUIRED if not resource.get(key)]
        if missing:
            raise Refused(400, f"Encounter: missing {', '.join(missing)}", "required")
        if not resource["period"].get("start"):
            raise Refused(400, "Encounter: missing period.start", "required")
        system = resource["identifier"][0].get("system", "")
        if not system.startswith("http://sys-ids.kemkes.go.id/encounter/"):
            raise Refused(400, f"Encounter: identifier system {system}", "value")
        ident = resource["identifier"][0].get("value")
        if self.reject_identifier and ident == self.reject_identifier:
            raise Refused(400, f"Encounter {ident}: refused by the test", "business-rule")

    def _check(self, resource: dict, method: str, current_id: str = "") -> None:
        kind = resource.get("resourceType")
        if kind not in ACCEPTED:
            raise Refused(400, f"resourceType {kind} is not accepted here", "not-supported")
        if "urn:laktasi" in json.dumps(resource):
            raise Refused(400, "local urn:laktasi code or extension", "code-invalid")
        if kind == "Encounter":
            self._check_encounter(resource)
        self._times(resource)
        for ident in resource.get("identifier") or []:
            for held_id, held in self.store.get(kind, {}).items():
                if held_id != current_id and ident in (held.get("identifier") or []):
                    raise Refused(
                        400, f"duplicate: {kind} with identifier {ident['value']}", "duplicate"
                    )

    # -- writes ------------------------------------------------------------------------
    def _apply(self, entries: list[dict]) -> list[dict]:
        """Check every entry, then apply all (a transaction is all or nothing)."""
        local, planned = {}, []
        for number, entry in enumerate(entries):
            resource, request = entry.get("resource") or {}, entry.get("request") or {}
            method, url = request.get("method"), request.get("url", "")
            kind = resource.get("resourceType", "")
            if method == "PUT":
                _, _, ident = url.partition("/")
                if ident not in self.store.get(kind, {}):
                    raise Refused(404, f"entry {number}: {url} not found", "not-found")
            elif method == "POST":
                ident = str(next(self.ids))
            else:
                raise Refused(400, f"entry {number}: method {method}")
            local[entry.get("fullUrl", "")] = f"{kind}/{ident}"
            planned.append((number, method, kind, ident, resource))
        done, pending_ids = [], {}
        for number, method, kind, ident, resource in planned:
            try:
                self._check(resource, method, ident if method == "PUT" else "")
                key = (kind, json.dumps(resource.get("identifier")))
                if key in pending_ids:
                    raise Refused(400, "duplicate identifier within the bundle", "duplicate")
                pending_ids[key] = ident
                resolved = self._references(resource, local)
            except Refused as exc:
                raise Refused(exc.status, f"Bundle.entry[{number}]: {exc.text}", exc.code) from None
            done.append((method, kind, ident, {**resolved, "id": ident}))
        answers = []
        for method, kind, ident, resource in done:
            self.store.setdefault(kind, {})[ident] = resource
            status = "201 Created" if method == "POST" else "200 OK"
            answers.append(
                {"response": {"status": status, "location": f"{kind}/{ident}/_history/1"}}
            )
        return answers


def outcome(status: int, text: str, code: str = "invalid") -> tuple[int, dict]:
    return status, {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "details": {"text": text}}],
    }


def _search(double: Double, kind: str, query: dict[str, list[str]]) -> dict:
    pool = {"Patient": double.patients, "Practitioner": double.practitioners}.get(kind)
    if pool is None:
        pool = double.held(kind)
    found = pool
    if "identifier" in query:
        system, _, value = query["identifier"][0].partition("|")
        found = [
            r
            for r in found
            if {"system": system, "value": value} in (r.get("identifier") or [])
            or any(
                i.get("system") == system and i.get("value") == value
                for i in r.get("identifier") or []
            )
        ]
    if "birthdate" in query:
        found = [r for r in found if r.get("birthDate") == query["birthdate"][0]]
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(found),
        "entry": [{"resource": r} for r in found],
    }


class Handler(BaseHTTPRequestHandler):
    double: Double  # set on the subclass made per server

    def log_message(self, *args) -> None:  # quiet
        return

    def _reply(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _authorised(self) -> bool:
        token = (self.headers.get("Authorization") or "").removeprefix("Bearer ").strip()
        expiry = self.double.tokens.get(token)
        return expiry is not None and expiry > time.time()

    def _token(self) -> None:
        form = urllib.parse.parse_qs(self._body().decode())
        client = (form.get("client_id") or [""])[0]
        secret = (form.get("client_secret") or [""])[0]
        if not client or self.double.clients.get(client) != secret:
            self._reply(*outcome(401, "Invalid client credentials", "login"))
            return
        token = f"tok-{next(self.double.ids)}"
        self.double.tokens[token] = time.time() + self.double.token_seconds
        self._reply(
            200,
            {
                "access_token": token,
                "expires_in": str(self.double.token_seconds),
                "token_type": "BearerToken",
            },
        )

    def _fault(self) -> bool:
        """Apply the current fault before a write; True when the request is answered."""
        double = self.double
        if double.fault not in {"slow", "503"} or double.fault_count <= 0:
            return False
        double.fault_count -= 1
        if double.fault == "slow":
            time.sleep(double.slow_seconds)
            return False
        if double.fault == "503":
            self._reply(*outcome(503, "Service temporarily unavailable", "transient"))
            return True
        return False

    def do_GET(self) -> None:  # noqa: N802
        self.double.log.append(("GET", self.path))
        if not self._authorised():
            self._reply(*outcome(401, "Access token expired or invalid", "login"))
            return
        parsed = urllib.parse.urlparse(self.path)
        kind = parsed.path.removeprefix("/fhir-r4/v1/").strip("/")
        self._reply(200, _search(self.double, kind, urllib.parse.parse_qs(parsed.query)))

    def do_POST(self) -> None:  # noqa: N802
        double = self.double
        double.log.append(("POST", self.path))
        if self.path.startswith("/oauth2/v1/accesstoken"):
            self._token()
            return
        body = self._body()
        if not self._authorised():
            self._reply(*outcome(401, "Access token expired or invalid", "login"))
            return
        if self._fault():
            return
        drop = double.fault == "drop" and double.fault_count > 0
        if drop:
            double.fault_count -= 1
        payload = json.loads(body or b"{}")
        path = self.path.removeprefix("/fhir-r4/v1").strip("/")
        with double.lock:
            try:
                if path == "":
                    if (
                        payload.get("resourceType") != "Bundle"
                        or payload.get("type") != "transaction"
                    ):
                        raise Refused(400, "only transaction bundles are taken at the base")
                    answers = double._apply(payload.get("entry") or [])
                    result = (
                        200,
                        {
                            "resourceType": "Bundle",
                            "type": "transaction-response",
                            "entry": answers,
                        },
                    )
                else:
                    entry = {
                        "fullUrl": "x",
                        "resource": payload,
                        "request": {"method": "POST", "url": path},
                    }
                    answers = double._apply([entry])
                    ident = answers[0]["response"]["location"].split("/")[1]
                    result = (201, double.store[payload["resourceType"]][ident])
            except Refused as exc:
                result = outcome(exc.status, exc.text, exc.code)
        if drop:  # applied, but the answer never arrives
            self.close_connection = True
            self.connection.shutdown(2)
            return
        self._reply(*result)

    def do_PUT(self) -> None:  # noqa: N802
        double = self.double
        double.log.append(("PUT", self.path))
        body = self._body()
        if not self._authorised():
            self._reply(*outcome(401, "Access token expired or invalid", "login"))
            return
        if self._fault():
            return
        payload = json.loads(body or b"{}")
        path = self.path.removeprefix("/fhir-r4/v1/").strip("/")
        entry = {"fullUrl": path, "resource": payload, "request": {"method": "PUT", "url": path}}
        with double.lock:
            try:
                double._apply([entry])
                kind, _, ident = path.partition("/")
                self._reply(200, double.store[kind][ident])
            except Refused as exc:
                self._reply(*outcome(exc.status, exc.text, exc.code))


class Server:
    """Start/stop a double on 127.0.0.1; ``url`` is what a facility's base URL is set to."""

    def __init__(self, double: Double | None = None):
        self.double = double or Double()
        handler = type("BoundHandler", (Handler,), {"double": self.double})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
