"""Forms of the answer links: which form to hand out, and the short code in group mode."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from laktasi.followups.models import RECALL_INSTRUMENT
from laktasi.instruments import registry
from laktasi.instruments.forms import ITEM_PREFIX, InstrumentForm, language
from laktasi.instruments.models import Timepoint
from laktasi.links import tokens
from laktasi.links.models import LinkSettings
from laktasi.links.services import SELF_INSTRUMENTS


def instrument_choices() -> list[tuple[str, str]]:
    lang = language()
    return [(iid, registry.get(iid).title(lang)) for iid in (*SELF_INSTRUMENTS, RECALL_INSTRUMENT)]


class ChooseForm(forms.Form):
    """Which form, before or after: the links page is about one pair at a time."""

    instrument = forms.ChoiceField(label=_("Form"), choices=())
    timepoint = forms.ChoiceField(
        label=_("Timepoint"),
        choices=[
            (Timepoint.PRE.value, _("pre-test (before the session)")),
            (Timepoint.POST.value, _("post-test (after the session)")),
            (Timepoint.FOLLOWUP.value, _("follow-up contact (24-hour recall only)")),
        ],
        widget=forms.RadioSelect(attrs={"class": "choices inline"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = instrument_choices()


class RecallAnswerForm(InstrumentForm):
    """The 24-hour recall for the mother herself: the baby's age is not asked, it is taken
    from the birth date on the visit (as the staff visit form does)."""

    def __init__(self, *args, age_months: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.age_item = self.definition.scoring["age_item"]
        self.age_months = min(age_months, 23)
        # Never rendered; whatever a client posts for it is ignored by answers().
        self.fields[ITEM_PREFIX + self.age_item] = forms.Field(required=False)

    def item_rows(self) -> list[dict]:
        rows = [r for r in super().item_rows() if r["item"].id != self.age_item]
        for n, row in enumerate(rows, start=1):
            row["n"] = n
        return rows

    def answers(self) -> dict:
        return {**super().answers(), self.age_item: self.age_months}


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("The code on your card"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "inputmode": "text",
                "class": "code-input",
            }
        ),
    )

    def clean_code(self) -> str:
        code = tokens.normalise_code(self.cleaned_data["code"])
        if len(code) != tokens.CODE_LENGTH:
            raise forms.ValidationError(self.unknown_message())
        return code

    @staticmethod
    def unknown_message() -> str:
        return str(
            _(
                "This code is not known for this form. Check the letters on your card, "
                "or ask the cadre or midwife."
            )
        )


class SettingsForm(forms.ModelForm):
    """What the mothers' pages show, for the whole program."""

    class Meta:
        model = LinkSettings
        fields = ["greeting", "show_score", "show_answers_after_post"]
        widgets = {"greeting": forms.RadioSelect(attrs={"class": "choices"})}
