"""Forms of the first-day setup pages."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laktasi.accounts import policy
from laktasi.core.forms import DayInput
from laktasi.mothers.forms import VillageCodeField
from laktasi.places.models import Facility, FacilityKind

KIND_CHOICES = [
    (FacilityKind.PUSKESMAS, FacilityKind.PUSKESMAS.label),
    (FacilityKind.POSYANDU, FacilityKind.POSYANDU.label),
]


def _village_picker(field) -> None:
    """The Kemendagri village search of the registration form (htmx fills the datalist)."""
    field.widget.attrs.update(
        {
            "hx-get": reverse("mothers:village_search"),
            "hx-trigger": "input changed delay:300ms",
            "hx-target": "#village-options",
            "hx-swap": "innerHTML",
        }
    )


def _facility_label(facility: Facility) -> str:
    """ "Posyandu Melati", not "posyandu Posyandu Melati", when the name says the kind."""
    kind = str(facility.get_kind_display())
    return facility.name if kind.lower() in facility.name.lower() else f"{kind} {facility.name}"


class FacilityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=KIND_CHOICES, widget=forms.RadioSelect)
    name = forms.CharField(label=_("Name"), max_length=160)
    village = VillageCodeField(
        label=_("Village"),
        help_text=_("Type the village name or code and pick it from the list."),
    )
    puskesmas = forms.ModelChoiceField(
        label=_("Puskesmas"),
        queryset=Facility.objects.none(),
        required=False,
        help_text=_("For a posyandu: the puskesmas it belongs to."),
    )
    schedule = forms.CharField(
        label=_("Schedule"),
        max_length=160,
        required=False,
        help_text=_("e.g. posyandu day every month"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        puskesmas = Facility.objects.filter(kind=FacilityKind.PUSKESMAS).order_by("name")
        self.fields["puskesmas"].queryset = puskesmas
        self.fields["puskesmas"].label_from_instance = lambda f: f.name
        if len(puskesmas) == 1:
            self.initial.setdefault("puskesmas", puskesmas[0].pk)
        self.initial.setdefault(
            "kind", FacilityKind.POSYANDU if puskesmas else FacilityKind.PUSKESMAS
        )
        _village_picker(self.fields["village"])

    def clean(self):
        data = super().clean()
        if data.get("kind") == FacilityKind.POSYANDU and not data.get("puskesmas"):
            self.add_error("puskesmas", _("A posyandu must belong to a puskesmas."))
        if data.get("kind") == FacilityKind.PUSKESMAS:
            data["puskesmas"] = None
        return data


class MoveForm(forms.Form):
    posyandu = forms.ModelChoiceField(label=_("New posyandu"), queryset=Facility.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["posyandu"]
        field.queryset = Facility.objects.filter(kind=FacilityKind.POSYANDU).select_related(
            "puskesmas"
        )
        field.label_from_instance = lambda f: f"{f.name} ({f.puskesmas.name})"


class ProgramStartForm(forms.Form):
    """The user's adjustments to a template; the agenda minutes are added per step."""

    title = forms.CharField(label=_("Title"), max_length=200)
    organiser = forms.CharField(label=_("Organising institution"), max_length=200, required=False)
    facility = forms.ModelChoiceField(label=_("Facility"), queryset=Facility.objects.none())
    start_date = forms.DateField(
        label=_("Start date"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=DayInput(),
        error_messages={"invalid": _("Enter the date as dd/mm/yyyy, e.g. 01/05/1995.")},
    )
    session_date = forms.DateField(
        label=_("First session: date"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=DayInput(),
        error_messages={"invalid": _("Enter the date as dd/mm/yyyy, e.g. 01/05/1995.")},
    )
    session_time = forms.TimeField(
        label=_("First session: time"),
        input_formats=["%H:%M", "%H.%M"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    venue = forms.CharField(label=_("Venue"), max_length=200)
    facilitator = forms.CharField(label=_("Facilitator"), max_length=200)

    def __init__(self, *args, user, template, **kwargs):
        super().__init__(*args, **kwargs)
        facilities = policy.program_facility_choices(user).order_by("kind", "name")
        self.fields["facility"].queryset = facilities
        self.fields["facility"].label_from_instance = _facility_label
        if len(facilities) == 1:
            self.initial.setdefault("facility", facilities[0].pk)
        today = timezone.localdate()
        self.initial.setdefault("title", template.text("title"))
        self.initial.setdefault("start_date", today)
        self.initial.setdefault("session_date", today)
        self.initial.setdefault("facilitator", user.get_full_name() or user.get_username())
        self.steps = list(template.agenda)
        for index, step in enumerate(self.steps):
            self.fields[f"minutes_{index}"] = forms.IntegerField(
                label=step.label + (f" ({step.notes})" if step.notes else ""),
                min_value=0,
                max_value=600,
                initial=step.minutes,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def agenda_fields(self):
        return [self[f"minutes_{i}"] for i in range(len(self.steps))]

    def main_fields(self):
        return [self[name] for name in self.fields if not name.startswith("minutes_")]

    def session_starts_at(self) -> datetime:
        data = self.cleaned_data
        return datetime.combine(
            data["session_date"], data["session_time"], tzinfo=timezone.get_current_timezone()
        )

    def minutes(self) -> tuple[int, ...]:
        return tuple(self.cleaned_data[f"minutes_{i}"] for i in range(len(self.steps)))
