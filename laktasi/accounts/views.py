"""Two-factor pages: set up (or replace) a TOTP authenticator, or verify a code.

Who may set up a device is decided in :mod:`laktasi.accounts.services`: a first device after
the password step only for roles that may enrol themselves; administrators and coordinators
get theirs from an invitation; replacing a device needs the current device and the password.
"""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import match_token

from laktasi.accounts.forms import ReplaceDeviceForm, TokenForm
from laktasi.accounts.services import (
    has_confirmed_device,
    totp_device_confirm,
    totp_device_pending,
    totp_device_replace,
    totp_secret_base32,
    totp_self_enrol_allowed,
)

INVALID_CODE = "That code is not valid. Check the time on your phone."


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
    """First device (self-enrolment), or replacement of the current one."""
    user = request.user
    if has_confirmed_device(user):
        if not user.is_verified():
            return redirect(f"{reverse('accounts:otp_verify')}?next={_next(request)}")
        return _replace(request)
    if not totp_self_enrol_allowed(user=user):
        return render(request, "accounts/otp_need_invitation.html", status=403)
    device = totp_device_pending(user=user)
    form = TokenForm(request.POST or None)
    if form.is_valid():
        if totp_device_confirm(device=device, token=form.cleaned_data["token"]):
            otp_login(request, device)
            messages.success(request, _("Two-factor authentication is on."))
            return redirect(_next(request))
        form.add_error("token", _(INVALID_CODE))
    return _setup_page(request, device, form, replacing=False)


def _replace(request):
    device = totp_device_pending(user=request.user)
    form = ReplaceDeviceForm(request.POST or None)
    if form.is_valid():
        replaced = totp_device_replace(
            device=device,
            token=form.cleaned_data["token"],
            password=form.cleaned_data["password"],
            session_verified=request.user.is_verified(),
        )
        if replaced:
            otp_login(request, device)
            messages.success(request, _("Your new authenticator is now the only one in use."))
            return redirect(_next(request))
        form.add_error(None, _("Wrong password, or the code is not valid."))
    return _setup_page(request, device, form, replacing=True)


def _setup_page(request, device, form, *, replacing: bool):
    # segno writes a plain SVG (no script, no style attribute): safe under the CSP.
    qr_svg = mark_safe(segno.make(device.config_url).svg_inline(scale=4))  # noqa: S308
    context = {
        "form": form,
        "qr_svg": qr_svg,
        "secret": totp_secret_base32(device),
        "next": _next(request),
        "replacing": replacing,
    }
    return render(request, "accounts/otp_setup.html", context)


@never_cache
@login_required
def otp_verify_view(request):
    if request.user.is_verified():
        return redirect(_next(request))
    if not has_confirmed_device(request.user):
        return redirect("accounts:otp_setup")
    form = TokenForm(request.POST or None)
    if form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("token", _(INVALID_CODE))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next(request)})
