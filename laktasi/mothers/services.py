"""Writes for mothers: registration with baby and companion, consent, corrections."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from laktasi.accounts.models import User
from laktasi.core.crypto import keyed_hash
from laktasi.mothers.models import (
    Baby,
    Companion,
    Consent,
    ConsentAction,
    Mother,
)
from laktasi.mothers.validators import normalize_nik, normalize_phone
from laktasi.places.models import Facility, Region


def _prepare(mother: Mother) -> None:
    mother.nik = normalize_nik(mother.nik)
    mother.phone = normalize_phone(mother.phone)
    mother.nik_hash = keyed_hash(mother.nik) if mother.nik else ""


def mother_register(
    *,
    registered_by: User | None,
    full_name: str,
    birth_date: date,
    village: Region,
    facility: Facility,
    parity: int,
    baby: dict[str, Any] | None = None,
    companion: dict[str, Any] | None = None,
    consent: dict[str, Any] | None = None,
    **fields: Any,
) -> Mother:
    """Register a mother, with her baby, companion and consent, all or nothing."""
    mother = Mother(
        full_name=" ".join(full_name.split()),
        birth_date=birth_date,
        village=village,
        facility=facility,
        parity=parity,
        registered_by=registered_by,
        **fields,
    )
    _prepare(mother)
    with transaction.atomic():
        mother.full_clean()
        mother.save()
        if baby:
            baby_add(mother=mother, **baby)
        if companion:
            companion_add(mother=mother, **companion)
        if consent:
            consent_record(mother=mother, recorded_by=registered_by, **consent)
    return mother


def mother_update(*, mother: Mother, **fields: Any) -> Mother:
    """Correct a mother's data after validation."""
    for name, value in fields.items():
        setattr(mother, name, value)
    _prepare(mother)
    mother.full_clean()
    mother.save()
    return mother


def baby_add(*, mother: Mother, **fields: Any) -> Baby:
    baby = Baby(mother=mother, **fields)
    baby.full_clean()
    baby.save()
    return baby


def companion_add(*, mother: Mother, **fields: Any) -> Companion:
    companion = Companion(mother=mother, **fields)
    companion.phone = normalize_phone(companion.phone)
    companion.full_clean()
    companion.save()
    return companion


def consent_record(
    *,
    mother: Mother,
    recorded_by: User | None,
    text_version: str,
    action: str = ConsentAction.GIVEN,
    **fields: Any,
) -> Consent:
    """Append a consent or withdrawal record; existing records are never changed."""
    consent = Consent(
        mother=mother, recorded_by=recorded_by, text_version=text_version, action=action, **fields
    )
    consent.full_clean()
    consent.save()
    return consent


def require_consent(*, mother: Mother) -> None:
    """Raise ValidationError unless the mother's consent is in force and processing is not
    restricted (a restriction request under UU 27/2022 stops new processing)."""
    if mother.restricted:
        raise ValidationError(
            _("This mother has restricted the processing of her data; nothing new can be recorded.")
        )
    latest = mother.consents.order_by("-recorded_at", "-pk").first()
    if latest is None or latest.action != ConsentAction.GIVEN:
        raise ValidationError(
            _("This mother has no consent in force; assessments cannot be recorded.")
        )
