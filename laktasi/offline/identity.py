"""Who a phone's offline data belongs to, without personal data.

The cache id names the user's Cache Storage entry and tags her queue on the device. It is a
keyed hash of the user's pk (SECRET_KEY-salted), so it says nothing about her to someone who
reads the phone, and another user's id never matches it.
"""

from __future__ import annotations

from django.utils.crypto import salted_hmac

from laktasi.accounts.models import Role, User

# Roles that work in the field and get an offline copy of their scope.
FIELD_ROLES = {Role.CADRE, Role.MIDWIFE}


def offline_enabled(user) -> bool:
    """Field workers (kader, bidan) who may see personal data get the offline copy."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.role in FIELD_ROLES
        and user.sees_personal_data
    )


def cache_id(user: User) -> str:
    """A stable, non-personal id of the user for cache names (16 hex characters)."""
    return salted_hmac("laktasi.offline.cache", str(user.pk)).hexdigest()[:16]
