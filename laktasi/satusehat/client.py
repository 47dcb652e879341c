"""A small SATUSEHAT client on the standard library (urllib): OAuth2 client-credentials token
reused until it expires, FHIR searches and transaction bundles, retries with back-off.

Nothing here logs or returns the client secret or the token. Errors:
:class:`TransientError` (timeout, dropped connection, 5xx: worth retrying later),
:class:`RejectedError` (4xx with the server's OperationOutcome text) and
:class:`CredentialsError` (the token endpoint refused the client).
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.utils import timezone

from laktasi.satusehat.models import FacilityLink

TOKEN_PATH = "/oauth2/v1/accesstoken?grant_type=client_credentials"  # noqa: S105 - a path
FHIR_PATH = "/fhir-r4/v1/"
TOKEN_MARGIN = dt.timedelta(seconds=60)


class SatusehatError(Exception):
    """Base of the errors below; the message never holds a secret."""


class TransientError(SatusehatError):
    """Timeout, dropped connection or a 5xx: the request may be tried again later."""


class RejectedError(SatusehatError):
    """A 4xx: the server refused the request; ``message`` is its OperationOutcome text."""

    def __init__(self, status: int, message: str):
        super().__init__(f"HTTP {status}: {message}")
        self.status = status
        self.message = message


class CredentialsError(SatusehatError):
    """The token endpoint refused the facility's client id or secret."""


def outcome_text(body: bytes) -> str:
    """The human text of an OperationOutcome (or the raw body, shortened)."""
    try:
        data = json.loads(body.decode() or "{}")
    except (ValueError, UnicodeDecodeError):
        return body[:300].decode(errors="replace")
    issues = data.get("issue") if isinstance(data, dict) else None
    if not issues:
        return json.dumps(data)[:300]
    texts = []
    for issue in issues:
        text = (issue.get("details") or {}).get("text") or issue.get("diagnostics") or ""
        texts.append(text or issue.get("code", ""))
    return "; ".join(t for t in texts if t)[:1000]


class Client:
    """Talks to one facility's SATUSEHAT (``link.base_url``)."""

    def __init__(self, link: FacilityLink, *, sleep=time.sleep):
        self.link = link
        self.base = link.base_url.rstrip("/")
        if not self.base.startswith(("https://", "http://")):  # never file: or ftp:
            raise SatusehatError("the SATUSEHAT address must start with https://")
        self.timeout = settings.SATUSEHAT_TIMEOUT
        self.retries = max(1, settings.SATUSEHAT_RETRIES)
        self.backoff = settings.SATUSEHAT_BACKOFF
        self.sleep = sleep
        self.requests = 0

    # -- transport ---------------------------------------------------------------------
    def _send(self, method: str, url: str, body: bytes | None, headers: dict) -> bytes:
        request = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310
        self.requests += 1
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return response.read()
        except urllib.error.HTTPError as exc:
            payload = exc.read()
            if exc.code >= 500:
                raise TransientError(f"HTTP {exc.code}") from None
            raise RejectedError(exc.code, outcome_text(payload)) from None
        except TimeoutError as exc:
            raise TransientError(f"timeout after {self.timeout} s") from exc
        except (urllib.error.URLError, http.client.HTTPException, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            raise TransientError(f"connection failed: {type(reason).__name__}") from None

    def _with_retries(self, call):
        """Run ``call`` up to ``retries`` times on transient errors, waiting longer each time."""
        for attempt in range(self.retries):
            try:
                return call()
            except TransientError:
                if attempt + 1 == self.retries:
                    raise
                self.sleep(self.backoff * (2**attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    # -- token -------------------------------------------------------------------------
    def token(self, *, renew: bool = False) -> str:
        """The access token, reused until shortly before it expires."""
        link = self.link
        fresh = link.token_expires_at and link.token_expires_at - TOKEN_MARGIN > timezone.now()
        if link.access_token and fresh and not renew:
            return link.access_token
        form = urllib.parse.urlencode(
            {"client_id": link.client_id, "client_secret": link.client_secret}
        ).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        try:
            body = self._with_retries(
                lambda: self._send("POST", self.base + TOKEN_PATH, form, headers)
            )
        except RejectedError as exc:
            raise CredentialsError(
                f"SATUSEHAT refused the client credentials of {link.facility.name} "
                f"(HTTP {exc.status})"
            ) from None
        data = json.loads(body.decode())
        link.access_token = data["access_token"]
        seconds = int(data.get("expires_in") or 3600)
        link.token_expires_at = timezone.now() + dt.timedelta(seconds=seconds)
        link.save(update_fields=["access_token", "token_expires_at", "updated_at"])
        return link.access_token

    def _fhir(self, method: str, path: str, payload: dict | None = None) -> dict:
        body = json.dumps(payload).encode() if payload is not None else None

        def call(renew: bool = False) -> bytes:
            headers = {"Authorization": f"Bearer {self.token(renew=renew)}"}
            if body is not None:
                headers["Content-Type"] = "application/fhir+json"
            return self._send(method, self.base + FHIR_PATH + path, body, headers)

        def once() -> bytes:
            try:
                return call()
            except RejectedError as exc:
                if exc.status != 401:
                    raise
                return call(renew=True)  # the token expired early: one new token, once

        return json.loads(self._with_retries(once).decode() or "{}")

    # -- FHIR --------------------------------------------------------------------------
    def search(self, resource: str, **params: str) -> list[dict]:
        """The resources a search returns (first page; the searches here match few)."""
        query = urllib.parse.urlencode(params)
        bundle = self._fhir("GET", f"{resource}?{query}")
        return [entry["resource"] for entry in bundle.get("entry") or []]

    def transaction(self, bundle: dict, *, retry: bool = True) -> dict:
        """POST a transaction bundle to the FHIR base; the transaction-response bundle.

        ``retry=False`` leaves retrying to the caller, who must first find out whether the
        failed attempt was applied (a dropped answer is not a refused request).
        """
        if retry:
            return self._fhir("POST", "", bundle)
        saved, self.retries = self.retries, 1
        try:
            return self._fhir("POST", "", bundle)
        finally:
            self.retries = saved
