"""The mapping page's forms: the upload, and the mapping itself (built for one file)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from laktasi.accounts.models import User
from laktasi.imports.forms import ALLOWED_SUFFIXES, instrument_choices
from laktasi.imports.mapping.spec import MappingSpec, answer_group
from laktasi.imports.mapping.suggest import ColumnGuess
from laktasi.imports.parsers import limits
from laktasi.imports.selectors import importable_programs
from laktasi.instruments import registry

NONE = ""
TIMEPOINT_CHOICES = [
    ("", _("(choose)")),
    ("pre", _("pre (before the session)")),
    ("post", _("post (after the session)")),
    ("followup", _("follow-up")),
]
IDENTIFIER_KIND_CHOICES = [
    ("", _("(choose)")),
    ("laktasi_id", _("laktasi ID (LK-…)")),
    ("nik", _("NIK")),
]


class MappedUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File (.csv or .xlsx)"),
        help_text=_(
            "Google Forms responses (Download responses .csv, or the linked Sheet as .xlsx)."
        ),
    )
    program = forms.ModelChoiceField(label=_("Program"), queryset=None)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = importable_programs(user=user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > limits()["max_bytes"]:
            raise forms.ValidationError(
                _("The file is too large (at most %(max)s MB)."),
                params={"max": limits()["max_bytes"] // 1024 // 1024},
            )
        return upload


class MappingForm(forms.Form):
    """One select per column (item or not used), per distinct answer (choice), and the
    explicit choices: identifier column and kind, timepoint, timestamp and score columns."""

    instrument = forms.ChoiceField(label=_("Instrument"), choices=())
    identifier_column = forms.ChoiceField(label=_("Column that identifies the mother"), choices=())
    identifier_kind = forms.ChoiceField(
        label=_("It holds"), choices=IDENTIFIER_KIND_CHOICES, required=False
    )
    timepoint = forms.ChoiceField(label=_("Timepoint"), choices=TIMEPOINT_CHOICES, required=False)
    followup_number = forms.IntegerField(
        label=_("Follow-up number"), min_value=1, max_value=99, required=False
    )
    timestamp_column = forms.ChoiceField(label=_("Timestamp column"), choices=(), required=False)
    score_column = forms.ChoiceField(
        label=_("Quiz score column (only compared, never used)"), choices=(), required=False
    )

    def __init__(
        self,
        *args,
        header: list[str],
        definition: registry.InstrumentDefinition,
        guesses: list[ColumnGuess],
        answers: dict[str, dict[str, tuple[str, int]]],
        samples: dict[str, str],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.header, self.definition, self.guesses = header, definition, guesses
        columns = [(NONE, _("(none)"))] + [(h, h[:80]) for h in header if h]
        self.fields["instrument"].choices = instrument_choices()[1:]
        self.fields["identifier_column"].choices = [(NONE, _("(choose)"))] + columns[1:]
        self.fields["timestamp_column"].choices = columns
        self.fields["score_column"].choices = columns
        items = [(NONE, _("not used"))] + [
            (it.id, f"{n}. {it.label_for('id')[:70]}") for n, it in enumerate(definition.items, 1)
        ]
        self.column_rows = []
        for guess in guesses:
            if not guess.header or guess.role in ("timestamp", "score", "email"):
                continue
            name = f"col_{guess.position}"
            self.fields[name] = forms.ChoiceField(
                label=guess.header, choices=items, required=False, initial=guess.item_id
            )
            self.column_rows.append((self[name], guess, samples.get(guess.header, "")))
        self.answer_rows = []
        for group, seen in answers.items():
            choice_item = next(it for it in definition.items if answer_group(it) == group)
            options = [(NONE, _("(not mapped)"))] + [
                (c.name, f"{c.label.id} / {c.label.en}") for c in choice_item.choices
            ]
            for index, (raw, (choice, confidence)) in enumerate(seen.items()):
                name = f"ans_{group}_{index}"
                self.fields[name] = forms.ChoiceField(
                    label=raw, choices=options, required=False, initial=choice
                )
                self.answer_rows.append((self[name], group, raw, confidence))

    @property
    def who_fields(self):
        names = ("identifier_column", "identifier_kind", "timepoint", "followup_number",
                 "timestamp_column", "score_column")  # fmt: skip
        return [self[name] for name in names]

    def spec(self) -> MappingSpec:
        data = self.cleaned_data
        columns = {}
        for guess in self.guesses:
            item_id = data.get(f"col_{guess.position}")
            if item_id:
                columns[guess.header] = item_id
        answers: dict[str, dict[str, str]] = {}
        for bound, group, raw, _conf in self.answer_rows:
            if data.get(bound.name):
                answers.setdefault(group, {})[raw] = data[bound.name]
        return MappingSpec(
            instrument=self.definition.id,
            version=self.definition.version,
            identifier_column=data.get("identifier_column", ""),
            identifier_kind=data.get("identifier_kind", ""),
            timepoint=data.get("timepoint", ""),
            followup_number=data.get("followup_number"),
            timestamp_column=data.get("timestamp_column", ""),
            score_column=data.get("score_column", ""),
            columns=columns,
            answers=answers,
        )
