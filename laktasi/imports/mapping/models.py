"""Saved column mappings (per program) and the mapping each mapped import used."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from laktasi.programs.models import Program


class ColumnMapping(models.Model):
    """A confirmed mapping of one form's columns, kept for the program's next file.

    ``form_key`` is the fingerprint of the form's question headers
    (:func:`laktasi.imports.mapping.spec.form_key`): the next download of the same form finds
    its mapping by it.
    """

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    form_key = models.CharField(_("form fingerprint"), max_length=64)
    instrument_id = models.CharField(_("instrument"), max_length=64)
    spec = models.JSONField(_("mapping"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "form_key"], name="columnmapping_one_per_form"
            )
        ]

    def __str__(self) -> str:
        return self.name


class MappedImport(models.Model):
    """An import read through a column mapping; ``spec`` is the mapping as confirmed for this
    file (a snapshot: later edits of the saved mapping do not change what this job did).
    A job whose mapping is not confirmed yet cannot be previewed or committed."""

    job = models.OneToOneField("imports.ImportJob", on_delete=models.CASCADE, related_name="mapped")
    mapping = models.ForeignKey(
        ColumnMapping, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    spec = models.JSONField(_("mapping"), default=dict)
    confirmed = models.BooleanField(_("confirmed"), default=False)

    def __str__(self) -> str:
        return f"mapping of import {self.job_id}"
