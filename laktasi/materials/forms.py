"""Forms of the materials app."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from laktasi.materials.leaflet import FORMATS
from laktasi.materials.models import VIDEO_EXTENSIONS, QAEntry
from laktasi.programs.models import Program, Session


class ProgramVideoForm(forms.Form):
    """A video for a program: an uploaded MP4/WebM file or a link."""

    title = forms.CharField(label=_("Title"), max_length=200)
    session = forms.ModelChoiceField(
        label=_("Session"), queryset=Session.objects.none(), required=False
    )
    file = forms.FileField(
        label=_("Video file (MP4 or WebM)"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(f".{ext}" for ext in VIDEO_EXTENSIONS)}
        ),
    )
    url = forms.URLField(label=_("or a video link"), required=False, assume_scheme="https")

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = program.sessions.all()

    def clean(self):
        data = super().clean()
        if not self.errors and bool(data.get("file")) == bool(data.get("url")):
            raise forms.ValidationError(_("Upload a video file or give a link, not both."))
        return data


class LeafletForm(forms.Form):
    """Language and format of a leaflet download (query string)."""

    lang = forms.ChoiceField(choices=[("id", "Bahasa Indonesia"), ("en", "English")], initial="id")
    format = forms.ChoiceField(choices=[(key, key) for key in FORMATS], initial="a4-trifold")


class QAEntryAdminForm(forms.ModelForm):
    class Meta:
        model = QAEntry
        fields = [
            "slug",
            "topic",
            "published",
            "question_id",
            "answer_id",
            "seek_help_id",
            "keywords_id",
            "question_en",
            "answer_en",
            "seek_help_en",
            "keywords_en",
            "sources",
            "facts",
        ]
