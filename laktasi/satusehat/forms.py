"""The administrators' SATUSEHAT page: a facility's link and its health workers' NIKs."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from laktasi.mothers.validators import normalize_nik, validate_nik
from laktasi.satusehat.models import PRODUCTION_URL, SANDBOX_URL, FacilityLink

ENVIRONMENTS = [
    ("sandbox", _("sandbox (trial)")),
    ("production", _("production")),
    ("other", _("other address")),
]


class LinkForm(forms.Form):
    organization_id = forms.CharField(label=_("SATUSEHAT organisation id"), max_length=64)
    location_id = forms.CharField(label=_("SATUSEHAT location id"), max_length=64)
    environment = forms.ChoiceField(label=_("environment"), choices=ENVIRONMENTS)
    base_url = forms.URLField(label=_("other address"), required=False)
    client_id = forms.CharField(label=_("client id"), max_length=200, required=False)
    client_secret = forms.CharField(
        label=_("client secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Leave empty to keep the stored secret. It is never shown again."),
    )

    @classmethod
    def initial_for(cls, link: FacilityLink | None) -> dict:
        if link is None:
            return {"environment": "sandbox"}
        environment = link.environment if link.environment != "other" else "other"
        return {
            "organization_id": link.organization_id,
            "location_id": link.location_id,
            "environment": environment,
            "base_url": link.base_url if environment == "other" else "",
            "client_id": link.client_id,
        }

    def clean(self):
        data = super().clean()
        environment = data.get("environment")
        if environment == "other" and not data.get("base_url"):
            self.add_error("base_url", _("Give the address, or choose sandbox or production."))
        data["url"] = {"sandbox": SANDBOX_URL, "production": PRODUCTION_URL}.get(
            environment, data.get("base_url", "")
        )
        return data


class NikForm(forms.Form):
    user = forms.IntegerField(widget=forms.HiddenInput)
    nik = forms.CharField(label=_("NIK"), max_length=24, required=False)

    def clean_nik(self) -> str:
        nik = normalize_nik(self.cleaned_data["nik"])
        if nik:
            validate_nik(nik)
        return nik
