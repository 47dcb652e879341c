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
