"""Two-factor pages: set up a TOTP authenticator, or verify a code after the password."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import match_token

from laktasi.accounts.forms import TokenForm
from laktasi.accounts.services import (
    totp_device_confirm,
    totp_device_pending,
    totp_secret_base32,
)


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@never_cache
@login_required
def otp_setup_view(request):
    if request.user.is_verified():
        return redirect(_next(request))
    device = totp_device_pending(user=request.user)
    form = TokenForm(request.POST or None)
    if form.is_valid():
        if totp_device_confirm(device=device, token=form.cleaned_data["token"]):
            otp_login(request, device)
            messages.success(request, _("Two-factor authentication is on."))
            return redirect(_next(request))
        form.add_error("token", _("That code is not valid. Check the time on your phone."))
    # segno writes a plain SVG (no script, no style attribute): safe under the CSP.
    qr_svg = mark_safe(segno.make(device.config_url).svg_inline(scale=4))  # noqa: S308
    context = {
        "form": form,
        "qr_svg": qr_svg,
        "secret": totp_secret_base32(device),
        "next": _next(request),
    }
    return render(request, "accounts/otp_setup.html", context)


@never_cache
@login_required
def otp_verify_view(request):
    if request.user.is_verified():
        return redirect(_next(request))
    if not request.user.totpdevice_set.filter(confirmed=True).exists():
        return redirect("accounts:otp_setup")
    form = TokenForm(request.POST or None)
    if form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("token", _("That code is not valid. Check the time on your phone."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next(request)})
