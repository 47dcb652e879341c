"""Forms of the two-factor and invitation pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from laktasi.accounts.models import Invitation


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("6-digit code from the authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit():
            raise forms.ValidationError(_("Enter the digits shown by the app."))
        return token


class ReplaceDeviceForm(TokenForm):
    """Replacing a device: the password typed again, then a code from the new device."""

    field_order = ["password", "token"]
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class InvitationIssueForm(forms.ModelForm):
    """An administrator's invitation: a role and, optionally, the facility the person joins."""

    class Meta:
        model = Invitation
        fields = ["role", "facility", "user"]
        labels = {"user": _("Reset an existing user's password and device (optional)")}


class InvitationAcceptForm(forms.Form):
    """The invited person's account: username (new accounts), names and a password; plus the
    code of the authenticator they just set up when their role needs two factors."""

    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    password1 = forms.CharField(
        label=_("New password (at least 12 characters)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    totp_code = forms.CharField(
        label=_("6-digit code from the authenticator app"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def __init__(self, *args, existing_user=None, needs_device: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if existing_user is not None:
            for name in ("username", "first_name", "last_name"):
                del self.fields[name]
        if needs_device:
            self.fields["totp_code"].required = True
        else:
            del self.fields["totp_code"]

    def clean_totp_code(self) -> str:
        return "".join(self.cleaned_data.get("totp_code", "").split())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords are not the same."))
        return cleaned


class WhatsAppShareForm(forms.Form):
    """The invitation link travels in the POST body, never in a URL that a log keeps."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=100)
    phone = forms.CharField(
        label=_("Her or his WhatsApp number (optional)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )

    def clean_phone(self) -> str:
        digits = "".join(ch for ch in self.cleaned_data["phone"] if ch.isdigit())
        if self.cleaned_data["phone"] and not 8 <= len(digits) <= 15:
            raise forms.ValidationError(_("Enter a phone number of 8 to 15 digits."))
        return digits
