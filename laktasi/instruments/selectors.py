"""Reads for responses (scoped through their mother) and instrument definitions."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from laktasi.accounts.models import User
from laktasi.instruments import registry
from laktasi.instruments.models import Response
from laktasi.mothers.selectors import scope


def response_list(
    *, user: User, program=None, mother=None, instrument_id: str = "", timepoint: str = ""
) -> QuerySet:
    """Responses about mothers in the user's scope, optionally only one program's, one
    mother's (an instance or an id), one instrument's or one timepoint's. A filter only
    narrows the scope."""
    qs = scope(
        Response.objects.select_related("mother", "program", "session"),
        user=user,
        prefix="mother__",
    )
    if program is not None:
        qs = qs.filter(program=program)
    if mother is not None:
        qs = qs.filter(mother=mother)
    if instrument_id:
        qs = qs.filter(instrument_id=instrument_id)
    if timepoint:
        qs = qs.filter(timepoint=timepoint)
    return qs


def response_get(*, user: User, pk: int | str) -> Response:
    try:
        return response_list(user=user).get(pk=pk)
    except (Response.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("response not found") from exc


def instrument_definitions() -> list[registry.InstrumentDefinition]:
    """The latest version of every shipped instrument, in a stable order."""
    return [registry.get(instrument_id) for instrument_id in sorted(registry.load_all())]
