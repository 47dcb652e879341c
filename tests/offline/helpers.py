"""Shared helpers of the offline tests: a visit form's POST data."""

from __future__ import annotations

import uuid

from django.utils import timezone

from laktasi.followups.forms import VisitForm


def visit_post(*, key: uuid.UUID | str | None = None, version: str | None = None) -> dict:
    """What the visit form posts: an exclusive-breastfeeding recall, today, at home."""
    form = VisitForm()
    data = dict.fromkeys(form.recall_fields, "no")
    data.update(
        {
            "recall_breastfed_yesterday": "yes",
            "done_on": timezone.localdate().isoformat(),
            "mode": "home",
            "submission_uuid": str(key or uuid.uuid4()),
            "form_version": version if version is not None else form.recall.version,
        }
    )
    return data
