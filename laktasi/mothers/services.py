"""Writes for mothers: registration with baby and companion, consent, corrections."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laktasi.accounts import policy
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
from laktasi.privacy.access_log import access_log_record
from laktasi.privacy.models import AccessAction

# Said whether the other mother is in the user's scope or not, so it confirms nothing about
# mothers she may not see (the NIK is unique, so the save has to be refused).
MSG_NIK_UNUSABLE = _(
    "This NIK cannot be used. Check it; if it is right, ask your midwife or administrator."
)
# Why nothing new may be recorded about her: one wording for pages, API, imports and links.
MSG_NO_CONSENT = gettext_lazy(
    "This mother has no consent in force; assessments cannot be recorded."
)
MSG_RESTRICTED = gettext_lazy(
    "This mother has restricted the processing of her data; nothing new can be recorded."
)
MSG_WITHDRAWN = gettext_lazy("This mother has withdrawn her consent; nothing new can be recorded.")
MSG_MOVE = _(
    "Only an administrator, or a midwife whose network holds both facilities, can move a "
    "mother to another facility."
)


def _prepare(mother: Mother) -> None:
    mother.nik = normalize_nik(mother.nik)
    mother.phone = normalize_phone(mother.phone)
    mother.nik_hash = keyed_hash(mother.nik) if mother.nik else ""


def _is_nik_taken(error: ValidationError) -> bool:
    """The unique-NIK constraint's error (it has no code of its own, so: by its message)."""
    constraint = next(c for c in Mother._meta.constraints if c.name == "mother_unique_nik")
    return str(error.message) == str(constraint.get_violation_error_message())


def _full_clean(mother: Mother) -> None:
    try:
        mother.full_clean()
    except ValidationError as exc:
        errors = getattr(exc, "error_dict", {})
        general = errors.get("__all__", [])
        taken = [e for e in general if _is_nik_taken(e)]
        if not taken:
            raise
        rest = {k: v for k, v in errors.items() if k != "__all__"}
        others = [e for e in general if e not in taken]
        if others:
            rest["__all__"] = others
        rest.setdefault("nik", []).append(ValidationError(MSG_NIK_UNUSABLE, code="nik_unusable"))
        raise ValidationError(rest) from None


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
        _full_clean(mother)
        mother.save()
        if baby:
            baby_add(mother=mother, **baby)
        if companion:
            companion_add(mother=mother, **companion)
        if consent:
            consent_record(mother=mother, recorded_by=registered_by, **consent)
    return mother


def mother_update(
    *, mother: Mother, by: User | None = None, channel: str = "web", **fields: Any
) -> Mother:
    """Correct a mother's data after validation.

    Refused while processing is restricted or consent is withdrawn (administrators excepted:
    rectification). A change of facility is a move: allowed only when the access policy allows
    it for ``by``, and written to the access log.
    """
    if not policy.sees_restricted(by):
        require_processing_allowed(mother=mother)
    previous_facility = (
        Mother.objects.filter(pk=mother.pk).values_list("facility_id", flat=True).first()
    )
    target = fields.get("facility")
    moved = target is not None and previous_facility is not None and target.pk != previous_facility
    if moved and by is not None:
        stored = Mother.objects.get(pk=mother.pk)
        if not policy.may_move_mother(by, stored, target):
            raise ValidationError({"facility": [MSG_MOVE]})
    for name, value in fields.items():
        setattr(mother, name, value)
    _prepare(mother)
    _full_clean(mother)
    mother.save()
    if moved:
        access_log_record(user=by, mother=mother, action=AccessAction.MOVE, channel=channel)
    return mother


def baby_add(*, mother: Mother, **fields: Any) -> Baby:
    require_processing_allowed(mother=mother)
    baby = Baby(mother=mother, **fields)
    baby.full_clean()
    baby.save()
    return baby


def companion_add(*, mother: Mother, **fields: Any) -> Companion:
    require_processing_allowed(mother=mother)
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


def require_processing_allowed(*, mother: Mother) -> None:
    """Raise ValidationError when nothing new may be recorded about her: she restricted the
    processing of her data (UU 27/2022) or her latest consent record is a withdrawal.

    Every write service calls this (web, API, imports, FHIR import, visits, consultations,
    attendance), whoever the user is; consent itself can always be recorded."""
    if mother.pk is None:
        return
    if Mother.objects.filter(pk=mother.pk, restricted=True).exists() or mother.restricted:
        raise ValidationError(MSG_RESTRICTED)
    latest = mother.consents.order_by("-recorded_at", "-pk").first()
    if latest is not None and latest.action == ConsentAction.WITHDRAWN:
        raise ValidationError(MSG_WITHDRAWN)


def require_consent(*, mother: Mother) -> None:
    """Raise ValidationError unless the mother's consent is in force and processing is not
    restricted (a restriction request under UU 27/2022 stops new processing)."""
    if mother.restricted:
        raise ValidationError(MSG_RESTRICTED)
    latest = mother.consents.order_by("-recorded_at", "-pk").first()
    if latest is None or latest.action != ConsentAction.GIVEN:
        raise ValidationError(MSG_NO_CONSENT)
