"""Forms for enrolment and the consultation log."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laktasi.accounts.models import User
from laktasi.core.forms import IdempotencyMixin, day_field
from laktasi.mothers.models import Mother
from laktasi.programs.models import Consultation
from laktasi.programs.selectors import program_list, session_list


class EnrolForm(forms.Form):
    program = forms.ModelChoiceField(label=_("Program"), queryset=None, empty_label=None)

    def __init__(self, *args, user: User, mother: Mother, **kwargs):
        super().__init__(*args, **kwargs)
        already = mother.enrollments.values("program")
        self.fields["program"].queryset = program_list(user=user).exclude(pk__in=already)


# How far a phone's clock may be from the server's when it dates a consultation it queued.
CLOCK_AHEAD = timedelta(days=1)
QUEUE_AGE = timedelta(days=60)


class ConsultationForm(IdempotencyMixin, forms.ModelForm):
    followup_date = day_field(_("Follow-up date"), required=False)
    # The phone's time when she saved the form (offline.js fills inputs marked
    # data-offline-now): a consultation sent from the queue days later keeps its own date.
    recorded_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Consultation
        fields = [
            "question",
            "advice",
            "referral_needed",
            "referred_to",
            "followup_date",
            "program",
            "session",
        ]
        widgets = {
            "question": forms.Textarea(attrs={"rows": 3}),
            "advice": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user: User, mother: Mother, **kwargs):
        super().__init__(*args, **kwargs)
        programs = program_list(user=user).filter(enrollments__mother=mother)
        self.fields["program"].queryset = programs
        self.fields["program"].empty_label = _("— none —")
        self.fields["session"].queryset = session_list(user=user).filter(program__in=programs)
        self.fields["session"].empty_label = _("— none —")
        self.fields["session"].label_from_instance = lambda s: (
            f"{s.starts_at:%d/%m/%Y} · {s.title or s.venue}"
        )
        if not self.is_bound and len(programs) == 1:
            self.initial.setdefault("program", programs[0].pk)

    def clean_recorded_at(self):
        """None (the server's time) when absent; never in the future: a phone clock a little
        ahead gives the server's time, one far off (or a date before the queue could hold
        it) is refused rather than written as a wrong date."""
        value = self.cleaned_data.get("recorded_at")
        if value is None:
            return None
        now = timezone.now()
        if value > now + CLOCK_AHEAD or value < now - QUEUE_AGE:
            raise forms.ValidationError(
                _("The phone's clock is wrong: set the date and time of the phone, then fill "
                  "in the consultation again.")
            )  # fmt: skip
        return min(value, now)

    def clean(self):
        data = super().clean()
        if data.get("referral_needed") and not (data.get("referred_to") or "").strip():
            self.add_error("referred_to", _("Say where the mother is referred to."))
        return data

    def _post_clean(self):
        # Validation of the model (mother, recorded_at...) happens in the service.
        pass
