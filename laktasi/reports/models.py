"""Percentages a program published elsewhere (an article, a poster), kept to be checked."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from laktasi.core.models import TimeStamped
from laktasi.programs.models import Program


class PublishedPercentages(TimeStamped):
    """One published frequency table column, e.g. the article's knowledge "before" column.

    ``values`` maps a category code to the printed percentage as printed
    (``{"baik": "13,5", "cukup": "33,3", "kurang": "53,4"}``); the report compares them with
    the percentages the program's own counts give (``laktasi.stats.check_reported_percentages``).
    """

    program = models.ForeignKey(
        Program,
        verbose_name=_("program"),
        on_delete=models.CASCADE,
        related_name="published_percentages",
    )
    instrument_id = models.CharField(_("instrument"), max_length=64)
    timepoint = models.CharField(_("timepoint"), max_length=10)
    values = models.JSONField(_("printed percentages"), default=dict)
    decimals = models.PositiveSmallIntegerField(
        _("decimals printed"), default=1, validators=[MaxValueValidator(4)]
    )
    citation = models.CharField(_("where it was published"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("published percentages")
        verbose_name_plural = _("published percentages")
        ordering = ["program", "instrument_id", "timepoint"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "instrument_id", "timepoint"],
                name="published_percentages_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} {self.timepoint}"

    def clean(self) -> None:
        if not isinstance(self.values, dict) or not self.values:
            raise ValidationError({"values": _("Give at least one category and its percentage.")})
        for code, value in self.values.items():
            if not isinstance(code, str) or not isinstance(value, str | int | float):
                raise ValidationError({"values": _("Each value must be a printed percentage.")})
