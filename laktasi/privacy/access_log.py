"""The access log's one write: who opened or exported which mother, never her data.

Below mothers in the app layers (docs/apps.md): every app that shows a mother, mothers
included, records the access here; the data subject's rights (privacy.services) sit above.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from laktasi.privacy.models import AccessLogEntry

if TYPE_CHECKING:
    from laktasi.accounts.models import User
    from laktasi.mothers.models import Mother


def access_log_record(
    *, user: User | None, mother: Mother, action: str, channel: str = "web"
) -> AccessLogEntry:
    """Log one access to a mother's personal data: who, when, which mother, what action."""
    username = user.get_username() if user is not None and user.is_authenticated else ""
    entry = AccessLogEntry(
        user=user if user is not None and user.is_authenticated else None,
        username=username,
        mother_pk=mother.pk,
        mother_identifier=mother.identifier,
        action=action,
        channel=channel,
    )
    entry.full_clean()
    entry.save()
    return entry
