"""Writes of the reports app: recording percentages a program published elsewhere."""

from __future__ import annotations

from django.db import transaction

from laktasi.programs.models import Program
from laktasi.reports.models import PublishedPercentages


def published_percentages_record(
    *,
    program: Program,
    instrument_id: str,
    timepoint: str,
    values: dict[str, str | float],
    decimals: int = 1,
    citation: str = "",
) -> PublishedPercentages:
    """Record (or replace) one published column of percentages, by category code."""
    with transaction.atomic():
        row = PublishedPercentages.objects.filter(
            program=program, instrument_id=instrument_id, timepoint=timepoint
        ).first() or PublishedPercentages(
            program=program, instrument_id=instrument_id, timepoint=timepoint
        )
        row.values = {str(k): v for k, v in values.items()}
        row.decimals = decimals
        row.citation = citation
        row.full_clean()
        row.save()
    return row
