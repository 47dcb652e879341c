"""Forms for registering and correcting mothers, and for the mother list's filters and search.

Dates are typed as dd/mm/yyyy (also 01051995, 01-05-1995 or the ISO form a date picker sends);
villages are chosen by Kemendagri code, which a search helps to find.
"""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laktasi.accounts import policy
from laktasi.accounts.models import User
from laktasi.core.forms import IdempotencyMixin, day_field
from laktasi.mothers.models import (
    Baby,
    Companion,
    ConsentChannel,
    Mother,
)
from laktasi.mothers.validators import normalize_nik, normalize_phone
from laktasi.places.models import Facility, RegionLevel
from laktasi.places.selectors import facility_list, region_get, villages_near

# The consent text shown on the registration form; bump the version when its wording changes.
CONSENT_TEXT_VERSION = "1"


class VillageCodeField(forms.CharField):
    """A village typed as its Kemendagri code (e.g. 35.23.12.2005); returns the Region."""

    default_error_messages = {
        "unknown": _("Unknown village code. Type the Kemendagri code, e.g. 35.23.12.2005."),
        "not_village": _("Choose a village (desa/kelurahan), not a higher region."),
    }

    def __init__(self, **kwargs):
        attrs = {
            "list": "village-options",
            "autocomplete": "off",
            "placeholder": "35.23.12.2005",
            "class": "village-input",
        }
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        kwargs.setdefault("max_length", 120)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return getattr(value, "code", value)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        # A picked suggestion reads "35.23.12.2005 Tasikharjo"; the code is the first word.
        region = region_get(code=text.split()[0])
        if region is None:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown")
        if region.level != RegionLevel.VILLAGE:
            raise forms.ValidationError(self.error_messages["not_village"], code="not_village")
        return region


# ---------------------------------------------------------------------------- registration


class MotherForm(forms.ModelForm):
    village = VillageCodeField(
        label=_("Village (Kemendagri code)"),
        help_text=_("Type the village name or code and pick it from the list."),
    )
    nik = forms.CharField(
        label=_("NIK"),
        required=False,
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("16 digits, from the KTP or family card (optional)."),
    )
    phone = forms.CharField(
        label=_("Phone (WhatsApp)"),
        required=False,
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off", "type": "tel"}),
    )
    birth_date = day_field(_("Date of birth"))
    delivery_date = day_field(_("Delivery date"), required=False)

    class Meta:
        model = Mother
        fields = [
            "full_name",
            "nik",
            "birth_date",
            "phone",
            "village",
            "address",
            "facility",
            "parity",
            "education",
            "occupation",
            "delivery_date",
            "delivery_mode",
            "delivery_place",
        ]
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "words"}),
            "parity": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": 20}),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["village"].widget.attrs.update(
            {
                "hx-get": reverse("mothers:village_search"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#village-options",
                "hx-swap": "innerHTML",
            }
        )
        facilities = policy.facility_choices(user)
        if self.instance.pk is not None:
            # Her current facility stays a valid answer even when it is not one of the user's.
            facilities = facilities | Facility.objects.filter(pk=self.instance.facility_id)
        facilities = facilities.distinct().order_by("name")
        self.fields["facility"].queryset = facilities
        self.fields["facility"].label_from_instance = lambda f: f.name
        self.fields["facility"].empty_label = None if len(facilities) == 1 else "—"
        if self.instance.pk is not None and not policy.sees_full_identifiers(user):
            self._write_only_identifiers()
        if not self.is_bound and self.instance.pk is None:
            first = facilities.first() if len(facilities) == 1 else None
            if first is not None:
                self.initial.setdefault("facility", first.pk)
                self.initial.setdefault("village", first.village_id)
            self.initial.setdefault("parity", 1)

    def nearby_villages(self):
        """Villages of the kecamatan of her facilities, for the form's village list: offline
        the search cannot run, and she picks from these (public reference data)."""
        return villages_near(facilities=self.fields["facility"].queryset)

    def _write_only_identifiers(self) -> None:
        """Kader and coordinators may type a new NIK or phone but never read the stored one:
        the fields start empty, show the masked value, and an empty field keeps it."""
        self.write_only = {"nik", "phone"}
        for name in self.write_only:
            self.initial[name] = ""
            current = policy.field_for(self.user, name, getattr(self.instance, name))
            self.fields[name].widget.attrs["placeholder"] = current
            self.fields[name].help_text = _("Stored: %(masked)s. Leave empty to keep it.") % {
                "masked": current or "–"
            }

    def clean_nik(self) -> str:
        nik = normalize_nik(self.cleaned_data.get("nik", ""))
        if not nik and "nik" in getattr(self, "write_only", ()):
            return self.instance.nik
        return nik

    def clean_phone(self) -> str:
        phone = normalize_phone(self.cleaned_data.get("phone", ""))
        if not phone and "phone" in getattr(self, "write_only", ()):
            return self.instance.phone
        return phone

    def clean_facility(self):
        facility = self.cleaned_data.get("facility")
        mother = self.instance
        if (
            facility is not None
            and mother.pk is not None
            and not policy.may_move_mother(self.user, mother, facility)
        ):
            raise forms.ValidationError(
                _(
                    "Only an administrator, or a midwife whose network holds both facilities, "
                    "can move a mother to another facility."
                )
            )
        return facility

    def service_fields(self) -> dict:
        """Cleaned data as keyword arguments of mother_register / mother_update."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class BabyForm(forms.ModelForm):
    birth_date = day_field(_("Baby's date of birth"), required=False)
    early_initiation = forms.NullBooleanField(
        label=_("Put to the breast within one hour (EIBF)"),
        required=False,
        widget=forms.Select(
            choices=[("unknown", "—"), ("true", _("Yes")), ("false", _("No"))],
        ),
    )
    imd = forms.NullBooleanField(
        label=_("IMD (skin-to-skin contact for at least one hour)"),
        help_text=_(
            "Separate from the first breastfeed: a baby can be put to the breast "
            "within an hour without a full hour of skin-to-skin."
        ),
        required=False,
        widget=forms.Select(
            choices=[("unknown", "—"), ("true", _("Yes")), ("false", _("No"))],
        ),
    )

    class Meta:
        model = Baby
        fields = ["name", "birth_date", "sex", "birth_weight_g", "early_initiation", "imd"]
        widgets = {
            "sex": forms.RadioSelect(attrs={"class": "choices inline"}),
            "birth_weight_g": forms.NumberInput(
                attrs={"inputmode": "numeric", "min": 300, "max": 7000, "step": 10}
            ),
        }
        labels = {"name": _("Baby's name (if named)")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sex"].required = False
        self.fields["sex"].choices = [c for c in self.fields["sex"].choices if c[0]]

    @property
    def filled(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return bool(data.get("birth_date") or data.get("sex") or data.get("name"))

    def clean(self):
        data = super().clean()
        if data.get("name") or data.get("sex") or data.get("birth_weight_g"):
            if not data.get("birth_date") and "birth_date" not in self.errors:
                self.add_error("birth_date", _("Enter the baby's date of birth."))
            if not data.get("sex") and "sex" not in self.errors:
                self.add_error("sex", _("Choose the baby's sex."))
        elif data.get("birth_date") and not data.get("sex"):
            self.add_error("sex", _("Choose the baby's sex."))
        return data

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class CompanionForm(forms.ModelForm):
    phone = forms.CharField(
        label=_("Companion's phone"),
        required=False,
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off", "type": "tel"}),
    )

    class Meta:
        model = Companion
        fields = ["relationship", "name", "phone"]
        labels = {"name": _("Companion's name"), "relationship": _("Relationship to the mother")}
        widgets = {"name": forms.TextInput(attrs={"autocomplete": "off"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        self.fields["relationship"].required = False
        if not self.is_bound:
            self.initial.setdefault("relationship", "husband")

    @property
    def filled(self) -> bool:
        return bool(getattr(self, "cleaned_data", {}).get("name"))

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data.get("phone", ""))

    def clean(self):
        data = super().clean()
        if data.get("name") and not data.get("relationship"):
            self.add_error("relationship", _("Choose how the companion is related to the mother."))
        return data

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ConsentForm(IdempotencyMixin, forms.Form):
    consent = forms.BooleanField(
        label=_("The mother has heard the consent text and agrees to take part."),
        error_messages={"required": _("Registration needs the mother's consent.")},
    )
    channel = forms.ChoiceField(
        label=_("How consent was given"),
        choices=ConsentChannel.choices,
        initial=ConsentChannel.PAPER,
        widget=forms.RadioSelect(attrs={"class": "choices inline"}),
    )
    confirm_duplicate = forms.BooleanField(required=False, widget=forms.HiddenInput)

    @property
    def text_version(self) -> str:
        return CONSENT_TEXT_VERSION


def check_baby_after_mother(mother_form: MotherForm, baby_form: BabyForm) -> None:
    """Cross-form check the service would only report as a bare 'birth_date' error."""
    mother_birth = mother_form.cleaned_data.get("birth_date")
    baby_birth = baby_form.cleaned_data.get("birth_date")
    if mother_birth and baby_birth and baby_birth <= mother_birth:
        baby_form.add_error("birth_date", _("The baby cannot be born before the mother."))
    if baby_birth and baby_birth > timezone.localdate():
        baby_form.add_error("birth_date", _("Date of birth cannot be in the future."))


# ---------------------------------------------------------------------------- list filters


class MotherFilterForm(forms.Form):
    """Filters that carry no personal data, so they may travel in the URL (GET)."""

    village = forms.CharField(
        label=_("Village code"),
        required=False,
        max_length=13,
        widget=forms.TextInput(attrs={"placeholder": "35.23.12.2005", "list": "village-options"}),
    )
    facility = forms.ModelChoiceField(
        label=_("Posyandu / facility"), queryset=None, required=False, empty_label=_("all")
    )
    category = forms.ChoiceField(label=_("Result category"), required=False)
    missing_post = forms.BooleanField(label=_("Post-test missing"), required=False)

    def __init__(self, *args, user: User, categories: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facility_list(user=user).order_by("name")
        self.fields["facility"].label_from_instance = lambda f: f.name
        self.fields["category"].choices = [("", _("all")), *categories]

    def clean_village(self) -> str:
        return self.cleaned_data.get("village", "").strip().split(" ")[0]

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        facility = data.get("facility")
        return {
            "village": data.get("village", ""),
            "facility": facility.pk if facility else None,
            "category": data.get("category", ""),
            "missing_post_test": bool(data.get("missing_post")),
        }


class NameSearchForm(forms.Form):
    """Search by name, NIK or laktasi ID: sent by POST and kept in the session, never in a URL."""

    q = forms.CharField(
        label=_("Search mothers"),
        required=False,
        max_length=120,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Name, NIK or ID"),
                "autocomplete": "off",
            }
        ),
    )
