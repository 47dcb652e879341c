"""The form of her choice of facilities to take offline."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from laktasi.offline.selectors import offline_facility_choices


class FacilityLabelField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_kind_display()} {obj.name}"


class OfflineFacilitiesForm(forms.Form):
    """Checkboxes over the facilities of her scope; none ticked means all of them."""

    facilities = FacilityLabelField(
        label=_("Facilities whose pages go on this phone"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick none to take all of them."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only her own scope is offered; any other id is refused as an invalid choice.
        self.fields["facilities"].queryset = offline_facility_choices(user=user)
