"""Reads of the API app: a user's tokens and the user behind a presented token."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404

from laktasi.accounts.models import User
from laktasi.api.models import ApiToken
from laktasi.api.services import TOKEN_PREFIX, token_digest


def token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's own tokens (administrators too see only their own)."""
    return ApiToken.objects.filter(user=user)


def token_get(*, user: User, pk: int | str) -> ApiToken:
    try:
        return token_list(user=user).get(pk=pk)
    except (ApiToken.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("token not found") from exc


def token_authenticate(*, raw: str) -> ApiToken | None:
    """The active token matching ``raw`` whose user may still log in, else None.

    Expired tokens, and tokens issued before the owner's last password or role change, are
    refused (``ApiToken.active``)."""
    raw = (raw or "").strip()
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=token_digest(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.active or not token.user.is_active:
        return None
    if token.user.is_demo and not settings.DEMO_LOGINS_ALLOWED:
        return None
    return token
