"""The single exception type raised by :mod:`laktasi.stats`."""

from __future__ import annotations


class StatisticsError(ValueError):
    """Bad input to a statistics function (wrong lengths, unknown category, empty data...).

    Subclasses :class:`ValueError` so callers that already catch ``ValueError`` keep working.
    The message always says what was wrong and, where it helps, how to fix it.
    """
