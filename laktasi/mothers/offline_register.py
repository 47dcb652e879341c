"""A mother's registration replayed from a phone's offline queue (laktasi.offline.outcome).

The registration form's ``form_token`` (a UUID per render) is its durable idempotency key:
it is claimed in ``core.IdempotencyKey`` (kind ``mother_register``) in the same transaction as
the registration, so a replay never registers her twice, however late it arrives (the web
form's 24-hour cache token alone would not cover a queue that waits for days).
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms as django_forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from laktasi.core.idempotency import key_claim as idempotency_claim
from laktasi.core.idempotency import key_lookup as idempotency_lookup
from laktasi.mothers.models import Mother
from laktasi.offline.outcome import offline_outcome

REGISTER_KIND = "mother_register"

INVALID = _(
    "The server found an error in this registration. Open it again while online, correct it, "
    "then remove this entry."
)
POSSIBLE_DUPLICATE = _(
    "A mother with the same NIK or the same name and birth date may already be registered. "
    "Open the registration form while online to compare, then remove this entry."
)


class _Replayed(Exception):
    """The key was claimed by a racing replay: undo this registration."""


def _errors(forms) -> dict[str, list[str]]:
    """Every form's errors keyed by the posted field name (``__all__`` for the form's own)."""
    errors: dict[str, list[str]] = {}
    for form in forms.all():
        for field, messages in form.errors.items():
            name = "__all__" if field == "__all__" else form.add_prefix(field)
            errors.setdefault(name, []).extend(messages)
    return errors


def registered_with(token: str) -> str:
    """The page of the mother an earlier submission of this form registered, or ""."""
    try:
        key = django_forms.UUIDField().clean(token)
    except ValidationError:
        return ""
    known = idempotency_lookup(key=key, kind=REGISTER_KIND) if key else None
    return reverse("mothers:detail", args=[known]) if known is not None else ""


def save_claimed(*, token: str, save: Callable[[], Mother]) -> Mother:
    """Register (``save``) and claim the form's key in the same transaction (the web form),
    so a copy of the same form waiting in a phone's queue is a duplicate later."""
    with transaction.atomic():
        mother = save()
        try:
            key = django_forms.UUIDField().clean(token)
        except ValidationError:
            key = None
        if key:
            idempotency_claim(key=key, kind=REGISTER_KIND, object_pk=mother.pk)
    return mother


def registration_offline(
    request,
    forms,
    *,
    find_duplicates: Callable,
    save: Callable[[], Mother],
    attach_errors: Callable,
) -> HttpResponse:
    """JSON outcome of one replayed registration: created / duplicate / conflict / invalid."""
    try:
        key = django_forms.UUIDField().clean(request.POST.get("form_token"))
    except ValidationError as exc:
        return offline_outcome(
            "invalid", reason="invalid", message=INVALID, errors={"form_token": exc.messages}
        )
    known = idempotency_lookup(key=key, kind=REGISTER_KIND)
    if known is not None:
        return offline_outcome("duplicate", url=reverse("mothers:detail", args=[known]))
    if not forms.is_valid():
        return offline_outcome("invalid", reason="invalid", message=INVALID, errors=_errors(forms))
    duplicates = find_duplicates(request, forms.mother)
    confirmed = forms.consent.cleaned_data.get("confirm_duplicate")
    if duplicates.same_nik or (duplicates.any and not confirmed):
        return offline_outcome("conflict", reason="possible_duplicate", message=POSSIBLE_DUPLICATE)
    try:
        with transaction.atomic():
            mother = save()
            if not idempotency_claim(key=key, kind=REGISTER_KIND, object_pk=mother.pk):
                raise _Replayed
    except _Replayed:
        known = idempotency_lookup(key=key, kind=REGISTER_KIND)
        return offline_outcome("duplicate", url=reverse("mothers:detail", args=[known]))
    except ValidationError as exc:
        attach_errors(forms.mother, exc)
        return offline_outcome("invalid", reason="invalid", message=INVALID, errors=_errors(forms))
    return offline_outcome("created", url=reverse("mothers:detail", args=[mother.pk]))
