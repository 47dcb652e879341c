"""One Django form class for any instrument, built from its definition.

Each item becomes a field named ``q_<item id>``: radio buttons with big touch targets for
true/false, yes/no, signs, single choices, checklist steps and Likert scales; checkboxes for
multiple choices; number and text boxes for the rest. Answers are checked by the one scoring
module, so the form and imports agree on what is valid and complete.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from laktasi.core.forms import IdempotencyMixin, day_field
from laktasi.instruments import scoring
from laktasi.instruments.registry import InstrumentDefinition, Item
from laktasi.mothers.models import Mother

ITEM_PREFIX = "q_"
CHOICE_TYPES = ("true_false", "yes_no", "sign", "select_one", "step", "likert")
# The instrument whose form asks which companion performed the practice.
COMPANION_PERFORMED = ("oxytocin_massage_checklist",)

# Short names for tables on small screens (the full title is on every form).
SHORT_NAMES = {
    "knowledge_test": _("Knowledge"),
    "oxytocin_massage_checklist": _("Oxytocin massage"),
    "marmet_checklist": _("Marmet"),
    "milk_smoothness": _("Milk flow"),
    "breastfeeding_confidence": _("Confidence"),
    "bses_sf": _("BSES-SF"),
    "family_support": _("Family support"),
    "sociocultural_interview": _("Interview"),
    "feeding_recall_24h": _("24-hour recall"),
}


def language() -> str:
    return "en" if (translation.get_language() or "id").startswith("en") else "id"


def short_name(definition: InstrumentDefinition) -> str:
    return str(SHORT_NAMES.get(definition.id, definition.title(language())))


def item_field(definition: InstrumentDefinition, item: Item, lang: str) -> forms.Field:
    label = item.label_for(lang)
    help_text = item.hint.get(lang) if item.hint else ""
    common = {"label": label, "help_text": help_text, "required": False}
    if item.type in CHOICE_TYPES:
        choices = [(c.name, c.label.get(lang)) for c in item.choices]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if item.type == "select_multiple":
        choices = [(c.name, c.label.get(lang)) for c in item.choices]
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if item.type == "integer":
        return forms.IntegerField(
            min_value=item.min,
            max_value=item.max,
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            **common,
        )
    return forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, **common)


def initial_value(item: Item, value):
    """A stored answer as the form shows it (numbers as the choice names "0", "1"...)."""
    if value is None:
        return None
    if item.type == "select_multiple":
        return list(value)
    if item.type in CHOICE_TYPES:
        return str(value)
    return value


class InstrumentForm(IdempotencyMixin, forms.Form):
    """The items of one instrument; meta fields (program, session...) are added by
    :class:`RecordForm` for a new response."""

    def __init__(self, *args, definition: InstrumentDefinition, answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition = definition
        lang = language()
        for item in definition.items:
            name = ITEM_PREFIX + item.id
            self.fields[name] = item_field(definition, item, lang)
            if answers and item.id in answers:
                self.initial[name] = initial_value(item, answers[item.id])

    def item_rows(self) -> list[dict]:
        """Everything the template needs per item, in form order.

        Choices are given as plain data (id, value, label, checked) so the template writes the
        radio buttons and checkboxes itself: rendering 30–60 widgets through Django's widget
        templates costs more than the rest of the page.
        """
        rows = []
        for n, item in enumerate(self.definition.items, start=1):
            bound = self[ITEM_PREFIX + item.id]
            row = {"n": n, "item": item, "field": bound, "choices": []}
            if item.type in CHOICE_TYPES or item.type == "select_multiple":
                value = bound.value()
                chosen = (
                    {str(v) for v in value}
                    if isinstance(value, list | tuple)
                    else {str(value)}
                    if value not in (None, "")
                    else set()
                )
                for index, (name, label) in enumerate(bound.field.choices):
                    row["choices"].append(
                        {
                            "id": f"{bound.auto_id}_{index}",
                            "value": name,
                            "label": label,
                            "checked": str(name) in chosen,
                        }
                    )
            rows.append(row)
        return rows

    def answers(self) -> dict:
        out = {}
        for item in self.definition.items:
            value = self.cleaned_data.get(ITEM_PREFIX + item.id)
            if value in (None, "", []):
                continue
            out[item.id] = value
        return out

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            result = scoring.score(self.definition, self.answers())
        except scoring.AnswerError as exc:
            message = exc.message_en if language() == "en" else exc.message_id
            field = ITEM_PREFIX + exc.item_id
            self.add_error(field if field in self.fields else None, message)
            return data
        for item_id in result.missing_items:
            self.add_error(ITEM_PREFIX + item_id, _("Please answer this item."))
        if result.missing_items:
            raise forms.ValidationError(
                _("Some items are not answered yet: they are marked below."), code="incomplete"
            )
        return data


class RecordForm(InstrumentForm):
    """A new response: the items plus when, in which program and session, and by whom."""

    collected_on = day_field(_("Date"))
    program = forms.ModelChoiceField(label=_("Program"), queryset=None, required=False)
    session = forms.ModelChoiceField(label=_("Session"), queryset=None, required=False)
    followup_number = forms.IntegerField(
        label=_("Follow-up number"),
        min_value=1,
        max_value=20,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    performed_by_companion = forms.ModelChoiceField(
        label=_("Who performed the massage?"),
        queryset=None,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "choices"}),
    )

    def __init__(
        self,
        *args,
        mother: Mother,
        timepoint: str,
        programs,
        sessions,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.timepoint = timepoint
        # A page cached on an earlier day gets the phone's date (laktasi/offline, offline.js).
        self.fields["collected_on"].widget.attrs["data-offline-today"] = ""
        self.fields["program"].queryset = programs
        self.fields["program"].empty_label = _("— none —")
        self.fields["session"].queryset = sessions
        self.fields["session"].empty_label = _("— none —")
        self.fields["session"].label_from_instance = lambda s: (
            f"{timezone.localtime(s.starts_at):%d/%m/%Y} · {s.title or s.venue}"
        )
        companions = mother.companions.all()
        self.fields["performed_by_companion"].queryset = companions
        self.fields["performed_by_companion"].label_from_instance = lambda c: (
            f"{c.name} ({c.get_relationship_display()})"
        )
        if self.definition.id not in COMPANION_PERFORMED:
            del self.fields["performed_by_companion"]
        elif not self.is_bound and len(companions) == 1:
            self.initial.setdefault("performed_by_companion", companions[0].pk)
        if timepoint != "followup":
            del self.fields["followup_number"]
        if not self.is_bound:
            self.initial.setdefault("collected_on", timezone.localdate())
            if len(programs) == 1:
                self.initial.setdefault("program", programs[0].pk)

    def clean(self):
        data = super().clean()
        program, session = data.get("program"), data.get("session")
        if session is not None and program is not None and session.program_id != program.pk:
            self.add_error("session", _("This session belongs to another program."))
        if self.timepoint == "followup" and not data.get("followup_number"):
            self.add_error("followup_number", _("Which follow-up is this (1, 2, 3...)?"))
        collected = data.get("collected_on")
        if collected and collected > timezone.localdate():
            self.add_error("collected_on", _("The date cannot be in the future."))
        return data
