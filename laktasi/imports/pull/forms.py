"""The data-server form: the token is a password field, never shown again."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from laktasi.imports.forms import instrument_choices
from laktasi.imports.pull.models import ServerKind


class ServerSourceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Server"), choices=ServerKind.choices)
    base_url = forms.URLField(
        label=_("Server address"),
        help_text=_("e.g. https://kf.kobotoolbox.org or https://central.example.org"),
        max_length=300,
    )
    form_id = forms.CharField(
        label=_("Form"),
        help_text=_(
            "KoboToolbox: the project's asset uid (in its address). ODK Central: the form id."
        ),
        max_length=200,
    )
    project_id = forms.CharField(label=_("Project id (ODK Central)"), max_length=32, required=False)
    username = forms.EmailField(label=_("User email (ODK Central)"), required=False)
    secret = forms.CharField(
        label=_("API token (KoboToolbox) or password (ODK Central)"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        required=False,
        max_length=500,
        help_text=_("Stored encrypted and never shown again. Leave empty to keep the saved one."),
    )
    instrument = forms.ChoiceField(label=_("Instrument"), required=False, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = instrument_choices()
