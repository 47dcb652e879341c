"""Encryption at rest for personal fields (NIK, phone) and the keyed hash used for lookups.

Fernet (AES-128-CBC + HMAC-SHA256, from the ``cryptography`` package) with a MultiFernet key
ring from ``LAKTASI_FIELD_KEYS``: the first key encrypts, every key decrypts, so a key is
rotated by putting a new key first and running ``laktasi rotate_keys``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django import forms
from django.conf import settings
from django.db import models


def _fernet_key(raw: str) -> bytes:
    """Accept a real Fernet key, or derive one from any secret string."""
    try:
        if len(base64.urlsafe_b64decode(raw.encode())) == 32:
            return raw.encode()
    except (ValueError, TypeError):
        pass
    return base64.urlsafe_b64encode(hashlib.sha256(raw.encode()).digest())


@lru_cache(maxsize=4)
def _keyring(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(_fernet_key(key)) for key in keys])


def keyring() -> MultiFernet:
    """The configured key ring."""
    return _keyring(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return keyring().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return keyring().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("encrypted value cannot be decrypted with the configured keys") from exc


def rotate(token: str) -> str:
    """Re-encrypt a token with the first (newest) key."""
    return keyring().rotate(token.encode()).decode()


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of a normalised value, for duplicate checks without decrypting."""
    return hmac.new(settings.NIK_HASH_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


class EncryptedCharField(models.TextField):
    """A text field stored encrypted; Python code sees the clear value.

    The database cannot filter on it: look up through a keyed-hash column instead.
    """

    def __init__(self, *args, max_length: int | None = None, **kwargs):
        self.clear_max_length = max_length
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.clear_max_length is not None:
            kwargs["max_length"] = self.clear_max_length
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):  # noqa: ARG002
        if value in (None, ""):
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(value)

    def formfield(self, **kwargs):
        defaults = {"max_length": self.clear_max_length, "widget": forms.TextInput}
        defaults.update(kwargs)
        return super().formfield(**defaults)
