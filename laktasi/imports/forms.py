"""Forms of the import pages: upload (with where to import into) and commit."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from laktasi.accounts.models import User
from laktasi.imports.models import ImportKind
from laktasi.imports.parsers import limits
from laktasi.imports.selectors import importable_facilities, importable_programs
from laktasi.imports.services import AUTO
from laktasi.instruments import registry

ALLOWED_SUFFIXES = (".csv", ".xlsx", ".txt", ".tsv")


def instrument_choices() -> list[tuple[str, str]]:
    choices = [("", _("recognise from the columns"))]
    for iid, versions in registry.load_all().items():
        latest = list(versions.values())[-1]
        choices.append((iid, latest.title("id")))
    return choices


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File (.csv or .xlsx)"),
        help_text=_("KoboToolbox or ODK Central export, or a laktasi template."),
    )
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[(AUTO, _("recognise automatically")), *ImportKind.choices],
        initial=AUTO,
    )
    program = forms.ModelChoiceField(
        label=_("Program"), queryset=None, required=False, empty_label=_("(no program)")
    )
    facility = forms.ModelChoiceField(
        label=_("Posyandu / facility (for mothers)"),
        queryset=None,
        required=False,
        empty_label=_("(choose for a mothers file)"),
    )
    instrument = forms.ChoiceField(label=_("Instrument"), required=False, choices=())

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = importable_programs(user=user)
        self.fields["facility"].queryset = importable_facilities(user=user)
        self.fields["instrument"].choices = instrument_choices()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        max_bytes = limits()["max_bytes"]
        if upload.size > max_bytes:
            raise forms.ValidationError(
                _("The file is too large (at most %(max)s MB)."),
                params={"max": max_bytes // 1024 // 1024},
            )
        return upload

    def clean(self):
        data = super().clean()
        if data.get("kind") == ImportKind.MOTHERS and not data.get("facility"):
            self.add_error("facility", _("Choose the posyandu or facility of these mothers."))
        if data.get("kind") == ImportKind.ATTENDANCE and not data.get("program"):
            self.add_error("program", _("Choose the program of these sessions."))
        return data


class CommitForm(forms.Form):
    valid_only = forms.BooleanField(
        label=_("Import the valid rows only, and give me the rejected rows back to fix"),
        required=False,
    )
    accept_incomplete = forms.BooleanField(
        label=_(
            "Import the responses without the missing questions: they are stored without "
            "score or category"
        ),
        required=False,
    )
