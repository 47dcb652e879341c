"""The visit form: when and how, the 24-hour recall, problems, massage, weight, referral."""

from __future__ import annotations

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from laktasi.followups.models import (
    RECALL_INSTRUMENT,
    ROUTINE_PROBLEMS,
    MassageBy,
    Problem,
    VisitMode,
)
from laktasi.followups.rules import INFANT_DANGER_SIGNS, MATERNAL_DANGER_SIGNS
from laktasi.instruments import registry
from laktasi.instruments.models import Response

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _choices(codes) -> list[tuple[str, str]]:
    return [(code, Problem(code).label) for code in codes]


MASSAGE = [("", _("not asked")), ("yes", _("Yes")), ("no", _("No"))]


class VisitForm(forms.Form):
    done_on = forms.DateField(
        label=_("Visit date"),
        # data-offline-today: a page cached on an earlier day gets today's date (offline.js).
        widget=forms.DateInput(attrs={"type": "date", "data-offline-today": ""}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    mode = forms.ChoiceField(label=_("How"), choices=VisitMode.choices, widget=forms.RadioSelect)
    danger_baby = forms.MultipleChoiceField(
        label=_("Danger signs in the baby: any one means the bidan/puskesmas today"),
        choices=_choices(INFANT_DANGER_SIGNS),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    danger_mother = forms.MultipleChoiceField(
        label=_("Danger signs in the mother: any one means the bidan/puskesmas today"),
        choices=_choices(MATERNAL_DANGER_SIGNS),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    problems = forms.MultipleChoiceField(
        label=_("Breastfeeding problems"),
        choices=_choices(ROUTINE_PROBLEMS),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    wet_nappies = forms.IntegerField(
        label=_("Wet nappies in the last 24 hours, if known"),
        required=False,
        min_value=0,
        max_value=40,
    )
    massage = forms.ChoiceField(
        label=_("Is the oxytocin massage still being done?"),
        choices=MASSAGE,
        required=False,
        widget=forms.RadioSelect,
    )
    massage_by = forms.ChoiceField(
        label=_("Who does the massage?"),
        choices=[("", "—"), *MassageBy.choices],
        required=False,
    )
    weight_g = forms.IntegerField(
        label=_("Weight (g), if measured"), required=False, min_value=500, max_value=15000
    )
    referral_made = forms.BooleanField(label=_("Referral made"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=500)
    # Idempotency key (a phone's offline queue replaces it with a fresh one per page load) and
    # the recall version the form was rendered with (a queued entry of an older form is a
    # conflict, not a silent save).
    submission_uuid = forms.UUIDField(widget=forms.HiddenInput, required=False)
    form_version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=16)

    def __init__(self, *args, self_recall: Response | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["done_on"].initial = timezone.localdate()
        self.self_recall = self_recall
        lang = (get_language() or "id")[:2]
        self.recall = registry.get(RECALL_INSTRUMENT)
        if not self.is_bound:
            self.initial.setdefault("submission_uuid", uuid.uuid4())
            self.initial.setdefault("form_version", self.recall.version)
        self.recall_fields = []
        age_item = self.recall.scoring["age_item"]
        for item in self.recall.items:
            if item.id == age_item:
                continue
            name = f"recall_{item.id}"
            self.fields[name] = forms.ChoiceField(
                label=item.label_for(lang), choices=YES_NO, widget=forms.RadioSelect
            )
            self.recall_fields.append(name)
        if self_recall is not None:
            self._prefill_from(self_recall)

    def _prefill_from(self, response: Response) -> None:
        """The mother sent the recall from her own link: her answers are filled in, and the
        cadre confirms she still checked the danger signs herself (the link asks none)."""
        for name in self.recall_fields:
            value = response.answers.get(name.removeprefix("recall_"))
            if value in ("yes", "no"):
                self.initial[name] = value
        self.fields["danger_checked"] = forms.BooleanField(
            label=_(
                "I checked the baby and the mother for every danger sign above myself "
                "(the mother's link does not ask them)."
            ),
            error_messages={
                "required": _(
                    "Check the danger signs with the mother before saving: her answers on "
                    "her phone do not include them."
                )
            },
        )

    def clean(self):
        data = super().clean()
        if data.get("massage") != "yes" and data.get("massage_by"):
            data["massage_by"] = ""
        return data

    @property
    def version_changed(self) -> bool:
        """True when the form was rendered with another recall version than today's."""
        sent = self.cleaned_data.get("form_version") or ""
        return bool(sent) and sent != self.recall.version

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        massage = {"yes": True, "no": False}.get(data.get("massage") or "")
        return {
            "done_on": data["done_on"],
            "mode": data["mode"],
            "recall_answers": {n.removeprefix("recall_"): data[n] for n in self.recall_fields},
            "problems": [
                *(data.get("danger_baby") or []),
                *(data.get("danger_mother") or []),
                *(data.get("problems") or []),
            ],
            "wet_nappies": data.get("wet_nappies"),
            "massage_done": massage,
            "massage_by": data.get("massage_by") or "",
            "weight_g": data.get("weight_g"),
            "referral_made": bool(data.get("referral_made")),
            "notes": data.get("notes") or "",
        }
