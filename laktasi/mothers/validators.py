"""Validators for mothers' identity data, with Indonesian-first messages."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NIK_RE = re.compile(r"^\d{16}$")
PHONE_RE = re.compile(r"^\+?\d{8,15}$")


def normalize_nik(value: str) -> str:
    """Strip spaces and dots people type inside a NIK."""
    return re.sub(r"[\s.\-]", "", value or "")


def validate_nik(value: str) -> None:
    """A NIK is exactly 16 digits."""
    if not NIK_RE.match(normalize_nik(value)):
        raise ValidationError(
            _("NIK must be exactly 16 digits (numbers only)."), code="invalid_nik"
        )


def normalize_phone(value: str) -> str:
    """Drop spaces, dashes and brackets; keep a leading +."""
    return re.sub(r"[\s\-()]", "", value or "")


def validate_phone(value: str) -> None:
    """A phone number is 8–15 digits, optionally starting with +."""
    if not PHONE_RE.match(normalize_phone(value)):
        raise ValidationError(
            _("Phone number may contain only digits (8–15), optionally starting with +."),
            code="invalid_phone",
        )


def phone_for_whatsapp(value: str) -> str:
    """International digits for wa.me links: 0812… becomes 62812…."""
    digits = normalize_phone(value).lstrip("+")
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return digits
