"""The report request: language, format, sessions and whether to quote interviews."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from laktasi.reports.exporters import FORMATS

FORMAT_LABELS = {
    "web": _("Web page (view here)"),
    "pdf": _("PDF (A4, to print)"),
    "docx": _("Word (.docx, editable tables)"),
    "xlsx": _("Excel (.xlsx, tables and data)"),
    "html": _("HTML file"),
    "sav": _("SPSS (.sav, data with labels)"),
    "csv": _("CSV with codebook (.zip)"),
}


class ReportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[(f, FORMAT_LABELS[f]) for f in ("web", *FORMATS)],
        initial="web",
        widget=forms.RadioSelect,
    )
    lang = forms.ChoiceField(
        label=_("Report language"),
        choices=[("id", _("Indonesian")), ("en", _("English"))],
        widget=forms.RadioSelect,
    )
    sessions = forms.ModelMultipleChoiceField(
        label=_("Sessions"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for the whole program."),
    )
    quotes = forms.BooleanField(
        label=_("Include a few anonymised interview quotes"), required=False
    )

    def __init__(self, *args, sessions, allow_quotes: bool, formats=None, **kwargs):
        super().__init__(*args, **kwargs)
        if formats is not None:
            self.fields["format"].choices = [
                c for c in self.fields["format"].choices if c[0] in formats
            ]
        self.fields["sessions"].queryset = sessions
        self.fields["sessions"].label_from_instance = lambda s: (
            f"{s.starts_at:%d/%m/%Y} · {s.title or s.venue}"
        )
        if not allow_quotes:
            del self.fields["quotes"]


POOLED_FORMAT_LABELS = {
    "web": _("Web page (view here)"),
    "pdf": _("PDF (A4, to print)"),
    "docx": _("Word (.docx, editable tables)"),
    "xlsx": _("Excel (.xlsx, tables and data)"),
    "csv": _("CSV for R metafor (yi, vi per program)"),
    "json": _("JSON (every number)"),
}
METHOD_LABELS = (
    ("REML", _("Random effects, REML (recommended)")),
    ("DL", _("Random effects, DerSimonian–Laird")),
    ("FE", _("Fixed effect")),
)
TEST_LABELS = (
    ("knha", _("Knapp–Hartung (t; recommended, above all with few programs)")),
    ("z", _("Normal (z)")),
)


class PooledForm(forms.Form):
    """Which programs, which outcome, how to pool, in which format (a GET form: no personal
    data travels in it)."""

    region = forms.ChoiceField(label=_("Region"), required=False)
    facility = forms.TypedChoiceField(label=_("Facility"), required=False, coerce=int,
                                      empty_value=None)  # fmt: skip
    kind = forms.ChoiceField(label=_("Program kind"), required=False)
    date_from = forms.DateField(label=_("Programs starting from"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    date_to = forms.DateField(label=_("until"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    outcome = forms.ChoiceField(label=_("Outcome"))
    method = forms.ChoiceField(label=_("Model"), choices=METHOD_LABELS, initial="REML")
    test = forms.ChoiceField(label=_("Intervals and tests"), choices=TEST_LABELS, initial="knha")
    moderator = forms.ChoiceField(label=_("Compare by (meta-regression)"), required=False)
    format = forms.ChoiceField(
        label=_("Format"),
        choices=list(POOLED_FORMAT_LABELS.items()),
        initial="web",
        widget=forms.RadioSelect,
    )
    lang = forms.ChoiceField(
        label=_("Report language"),
        choices=[("id", _("Indonesian")), ("en", _("English"))],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, regions, facilities, kinds, outcomes, moderators, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("all"))]
        self.fields["region"].choices = everything + list(regions)
        self.fields["facility"].choices = everything + list(facilities)
        self.fields["kind"].choices = everything + list(kinds)
        self.fields["outcome"].choices = list(outcomes)
        self.fields["moderator"].choices = [("", _("none"))] + list(moderators)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start of the period is after its end."))
        return data
