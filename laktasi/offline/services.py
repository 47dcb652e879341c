"""Writes of the offline app: her choice of the facilities to take offline."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from laktasi.accounts.models import User
from laktasi.offline.identity import offline_enabled
from laktasi.offline.models import OfflineFacility
from laktasi.offline.selectors import offline_facility_choices


def offline_facilities_set(*, user: User, facility_ids: Iterable[int]) -> list[int]:
    """Replace her choice with ``facility_ids`` (empty: all of her scope).

    Refuses, writing nothing, a user without an offline copy or a facility outside her scope.
    Returns the chosen ids, sorted.
    """
    if not offline_enabled(user):
        raise ValidationError(_("Only cadres and midwives take pages offline."))
    wanted = sorted({int(pk) for pk in facility_ids})
    allowed = set(offline_facility_choices(user=user).values_list("pk", flat=True))
    if any(pk not in allowed for pk in wanted):
        raise ValidationError(_("You can only choose facilities you work in."))
    with transaction.atomic():
        OfflineFacility.objects.filter(user=user).delete()
        OfflineFacility.objects.bulk_create(
            [OfflineFacility(user=user, facility_id=pk) for pk in wanted]
        )
    return wanted
