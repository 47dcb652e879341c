"""Link secrets: derived from a random salt with the server's key, stored only as a hash.

``token = base64url(HMAC-SHA256(key, salt))[:32]`` carries 192 bits; the database keeps the
salt (128 random bits) and ``sha256(token)``. Looking a link up hashes the token from the URL,
so timing reveals nothing about stored tokens. Staff can print a card again (the token is
derived anew), yet a leaked database opens no link without ``LAKTASI_SECRET_KEY``; rotating
that key invalidates every unopened link, which is the intended effect.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

from django.utils.crypto import salted_hmac

KEY_SALT = "laktasi.links.token"
TOKEN_LENGTH = 32  # base64url characters: 192 bits
# Short codes avoid letters and digits that are easily confused (0/O, 1/I/L, 2/Z, 5/S, 8/B).
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 5


def new_salt() -> str:
    return secrets.token_hex(16)


def token_for(salt: str) -> str:
    """The link token for ``salt`` (the same every time, for this server's key)."""
    digest = salted_hmac(KEY_SALT, salt, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:TOKEN_LENGTH]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def looks_like_token(value: str) -> bool:
    """Cheap shape check before any database lookup (forged junk is refused early)."""
    if len(value) != TOKEN_LENGTH:
        return False
    allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    return all(ch in allowed for ch in value)


def new_short_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(value: str) -> str:
    """What a mother types: spaces, dashes and lower case are forgiven."""
    return "".join(ch for ch in value.upper() if ch.isalnum())
