"""Invitation pages: an administrator issues a link; the invited person accepts it.

Accepting needs no login (the link is the credential); the new account is logged in at the
end, verified by the device it has just enrolled.
"""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from laktasi.accounts.forms import (
    InvitationAcceptForm,
    InvitationIssueForm,
    WhatsAppShareForm,
)
from laktasi.accounts.invitations import (
    Acceptance,
    invitation_accept,
    invitation_find,
    invitation_issue,
    invitation_revoke,
    new_totp_key,
    role_needs_device,
)
from laktasi.accounts.models import Invitation, User
from laktasi.accounts.services import totp_secret_base32

SESSION_KEY = "laktasi_invite_totp"


def _require_admin(request) -> None:
    if not request.user.is_administrator:
        raise Http404


def _qr(text: str):
    # segno writes a plain SVG (no script, no style attribute): safe under the CSP.
    return mark_safe(segno.make(text).svg_inline(scale=4))  # noqa: S308


@never_cache
@login_required
def invitation_issue_view(request):
    """Issue an invitation and show its link (once) with a QR code; list recent ones."""
    _require_admin(request)
    form = InvitationIssueForm(request.POST or None)
    link, issued, raw = "", None, ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issued, raw = invitation_issue(
                by=request.user, role=data["role"], facility=data["facility"], user=data["user"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            link = request.build_absolute_uri(reverse("accounts:invite", args=[raw]))
            form = InvitationIssueForm()
    context = {
        "form": form,
        "link": link,
        "qr_svg": _qr(link) if link else "",
        "issued": issued,
        # The share form posts the raw token to the WhatsApp redirect (never in a URL).
        "share_form": WhatsAppShareForm(initial={"token": raw}) if link else None,
        "invitations": Invitation.objects.select_related("user", "facility", "created_by")[:30],
    }
    response = render(request, "accounts/invitation_issue.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def invitation_revoke_view(request, pk: int):
    _require_admin(request)
    invitation_revoke(invitation=get_object_or_404(Invitation, pk=pk), by=request.user)
    messages.success(request, _("The invitation was revoked; its link no longer works."))
    return redirect("accounts:invitation_issue")


@never_cache
def invitation_accept_view(request, token: str):
    """Choose a password (and enrol the authenticator) from an invitation link."""
    invitation = invitation_find(raw=token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=410)
    existing = invitation.user
    needs_device = role_needs_device(
        invitation.role, superuser=bool(existing and existing.is_superuser)
    )
    keys = request.session.get(SESSION_KEY, {})
    key_hex = keys.get(str(invitation.pk)) or new_totp_key()
    if needs_device and str(invitation.pk) not in keys:
        request.session[SESSION_KEY] = {**keys, str(invitation.pk): key_hex}
    form = InvitationAcceptForm(
        request.POST or None, existing_user=existing, needs_device=needs_device
    )
    if request.method == "POST" and form.is_valid():
        user = _accept(request, form, invitation, key_hex if needs_device else "")
        if user is not None:
            return redirect("home")
    context = {"form": form, "invitation": invitation, "existing": existing}
    if needs_device:
        device = TOTPDevice(key=key_hex, name="default")
        # An unsaved user stands in for the account not yet created (the app's label).
        device.user = existing or User(username=form.data.get("username") or "laktasi")
        context.update(qr_svg=_qr(device.config_url), secret=totp_secret_base32(device))
    response = render(request, "accounts/invitation_accept.html", context)
    response["Cache-Control"] = "no-store"
    # The token in this page's URL must not reach another site; "no-referrer" would also make
    # Chromium send "Origin: null" with the form's POST, which CSRF refuses (the link never
    # worked in a browser: tests/e2e/test_first_day.py).
    response["Referrer-Policy"] = "same-origin"
    return response


def _accept(request, form, invitation, key_hex: str):
    data = form.cleaned_data
    acceptance = Acceptance(
        username=data.get("username", ""),
        password=data["password1"],
        first_name=data.get("first_name", ""),
        last_name=data.get("last_name", ""),
        totp_key_hex=key_hex,
        totp_code=data.get("totp_code", ""),
    )
    try:
        user = invitation_accept(invitation=invitation, data=acceptance)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error("password1", exc)
        return None
    request.session.pop(SESSION_KEY, None)
    login(request, user, backend="laktasi.accounts.backends.LaktasiBackend")
    device = user.totpdevice_set.filter(confirmed=True).first()
    if device is not None:
        otp_login(request, device)
    messages.success(request, _("Your account is ready."))
    return user
