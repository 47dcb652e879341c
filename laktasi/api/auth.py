"""Token authentication: ``Authorization: Bearer lkt_…`` (the token's SHA-256 is looked up)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from laktasi.accounts.models import User
from laktasi.api.selectors import token_authenticate
from laktasi.api.services import token_touch


class TokenAuth(HttpBearer):
    """Every endpoint requires a personal API token; ``request.user`` becomes its owner."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = token_authenticate(raw=token)
        if found is None:
            return None
        token_touch(token=found)
        request.user = found.user
        return found.user
