"""Writes of the API app: tokens (hashed at rest) and idempotency keys."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from laktasi.accounts.models import User
from laktasi.api.models import ApiToken

TOKEN_PREFIX = "lkt_"


def token_digest(raw: str) -> str:
    """SHA-256 (hex) of a raw token: what the database keeps."""
    return hashlib.sha256(raw.encode()).hexdigest()


def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; returns (token, raw). The raw value is never stored or shown again."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=" ".join(name.split()),
        prefix=raw[:10],
        expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_DAYS),
    )
    token.token_hash = token_digest(raw)
    token.full_clean()
    token.save()
    return token, raw


def token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token (idempotent); it stops working at once."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_touch(*, token: ApiToken) -> None:
    """Note the token's use, at most once a minute (keeps reads cheap)."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
