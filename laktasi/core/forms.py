"""Form helpers every app's pages use: day fields typed as dd/mm/yyyy, a service's
ValidationError put on the form, and the double-submit guard (a one-time token per form)."""

from __future__ import annotations

import uuid

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d%m%Y", "%Y-%m-%d"]


class DayInput(forms.DateInput):
    """A text box for dd/mm/yyyy: quicker than a date picker for a birth date 30 years ago."""

    input_type = "text"

    def __init__(self, attrs=None):
        base = {
            "placeholder": "dd/mm/yyyy",
            "inputmode": "numeric",
            "autocomplete": "off",
            "maxlength": "10",
            "class": "date-input",
        }
        super().__init__(attrs={**base, **(attrs or {})}, format="%d/%m/%Y")


def day_field(label, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_INPUT_FORMATS,
        widget=DayInput(),
        help_text=help_text,
        error_messages={"invalid": _("Enter the date as dd/mm/yyyy, e.g. 01/05/1995.")},
    )


def attach_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names, else on top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


# ---------------------------------------------------------------------------- double submit


class IdempotencyMixin(forms.Form):
    """A hidden one-time token per form render: a double-submitted form saves once."""

    form_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("form_token", uuid.uuid4())

    @property
    def token(self) -> str:
        value = self.cleaned_data.get("form_token") if hasattr(self, "cleaned_data") else None
        return str(value or uuid.uuid4())


# ---------------------------------------------------------------------------- one-time tokens
# The cache holds "pending" while the first submission saves and then the URL of its result,
# so a second tap on "Save" lands on the same record. Django's local-memory cache is shared by
# the threads of one server process (waitress); a multi-process deployment needs a shared
# cache (documented in docs/decisions/0002).

ONCE_PREFIX = "laktasi:once:"
ONCE_PENDING = "pending"


def once_claim(token: str) -> str | None:
    """Claim a token before saving. Returns None when the caller may save, or else the URL of
    the result of an earlier submission with this token (empty string: still being saved)."""
    key = ONCE_PREFIX + token
    if cache.add(key, ONCE_PENDING, timeout=600):
        return None
    value = cache.get(key)
    return "" if value in (None, ONCE_PENDING) else value


def once_result(token: str) -> str:
    """The URL saved by an earlier submission with this token, or an empty string."""
    value = cache.get(ONCE_PREFIX + str(token)) if token else None
    return "" if value in (None, ONCE_PENDING) else value


def once_done(token: str, url: str) -> None:
    cache.set(ONCE_PREFIX + token, url, timeout=24 * 3600)


def once_release(token: str) -> None:
    """Give the token back after a failed save, so the corrected form can be sent again."""
    cache.delete(ONCE_PREFIX + token)
