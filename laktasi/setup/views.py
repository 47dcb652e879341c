"""First-day setup pages: facilities, staff, invitations shared by WhatsApp, programs from a
template. Administrators only, except starting a program (``policy.may_start_program``)."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from laktasi.accounts import policy
from laktasi.accounts.forms import WhatsAppShareForm
from laktasi.accounts.invitations import invitation_find
from laktasi.accounts.models import SecurityAction, User
from laktasi.accounts.services import security_event_record, user_deactivate
from laktasi.places.models import Facility, FacilityKind
from laktasi.places.services import facility_create, staff_move
from laktasi.setup.checklist import BACKUP_MAX_AGE_HOURS, latest_backup_age_hours, setup_checklist
from laktasi.setup.forms import FacilityForm, MoveForm, ProgramStartForm
from laktasi.setup.program_templates import (
    ProgramStart,
    TemplateError,
    program_from_template,
    template_get,
    template_list,
)

INVITE_MESSAGE = (
    "Assalamualaikum/Salam sejahtera. Anda diundang memakai laktasi. Buka tautan ini sekali "
    "saja untuk membuat kata sandi (jangan diteruskan ke orang lain): {link}"
)


def _require_admin(request) -> None:
    if not policy.is_administrator(request.user):
        raise Http404


def _errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
def setup_index_view(request):
    """The checklist, the puskesmas with their posyandu, and links to every setup step."""
    _require_admin(request)
    puskesmas = Facility.objects.filter(kind=FacilityKind.PUSKESMAS).prefetch_related(
        "posyandu_set__village", "village"
    )
    context = {
        "checklist": setup_checklist(),
        "puskesmas_list": puskesmas,
        "backup_age": latest_backup_age_hours(),
        "backup_max": BACKUP_MAX_AGE_HOURS,
    }
    return render(request, "setup/index.html", context)


@login_required
def facility_new_view(request):
    _require_admin(request)
    form = FacilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            facility = facility_create(
                kind=data["kind"],
                name=data["name"].strip(),
                village=data["village"],
                puskesmas=data["puskesmas"],
                schedule=data["schedule"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("%(facility)s saved.") % {"facility": facility})
            if "another" in request.POST:
                return redirect("setup:facility_new")
            return redirect("setup:index")
    return render(request, "setup/facility_form.html", {"form": form})


@login_required
def staff_view(request):
    """Every account with its role and facilities; deactivate, move a kader, invite."""
    _require_admin(request)
    users = (
        User.objects.filter(is_demo=False)
        .prefetch_related("facilities")
        .order_by("-is_active", "role", "username")
    )
    return render(request, "setup/staff.html", {"users": users})


@require_POST
@login_required
def staff_deactivate_view(request, user_pk: int):
    _require_admin(request)
    target = get_object_or_404(User, pk=user_pk)
    try:
        user_deactivate(user=target, by=request.user)
    except PermissionDenied:
        messages.error(request, _("You cannot deactivate your own account."))
    else:
        messages.success(
            request, _("%(user)s can no longer log in.") % {"user": target.get_username()}
        )
    return redirect("setup:staff")


@login_required
def staff_move_view(request, user_pk: int):
    _require_admin(request)
    target = get_object_or_404(User, pk=user_pk)
    form = MoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            staff_move(user=target, to=form.cleaned_data["posyandu"], by=request.user)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(
                request,
                _("%(user)s now works at %(facility)s.")
                % {"user": target.get_username(), "facility": form.cleaned_data["posyandu"]},
            )
            return redirect("setup:staff")
    context = {"form": form, "target": target, "current": target.facilities.all()}
    return render(request, "setup/staff_move.html", context)


@never_cache
@require_POST
@login_required
def invitation_whatsapp_view(request):
    """Open WhatsApp with the invitation message. The link (a credential) comes in the POST
    body and leaves only in this one redirect: it is in no URL of ours, so in no access log.
    The share is in the security log, without the number."""
    _require_admin(request)
    form = WhatsAppShareForm(request.POST)
    invitation = invitation_find(raw=request.POST.get("token", ""))
    if invitation is None or not form.is_valid():
        messages.error(request, _("This invitation link has expired or was already used."))
        return redirect("accounts:invitation_issue")
    link = request.build_absolute_uri(reverse("accounts:invite", args=[form.cleaned_data["token"]]))
    security_event_record(
        action=SecurityAction.INVITATION_SHARED,
        user=invitation.user,
        actor=request.user,
        detail=f"invitation={invitation.pk} channel=whatsapp",
    )
    phone = form.cleaned_data["phone"]
    if phone.startswith("0"):
        phone = "62" + phone[1:]
    response = redirect(f"https://wa.me/{phone}?text={quote(INVITE_MESSAGE.format(link=link))}")
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
def program_new_view(request):
    """Choose a template, adjust it, start the program."""
    if not policy.may_start_program(request.user):
        raise Http404
    templates = template_list()
    try:
        template = template_get(request.GET.get("template") or templates[0].id)
    except TemplateError as exc:
        raise Http404 from exc
    form = ProgramStartForm(request.POST or None, user=request.user, template=template)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        start = ProgramStart(
            title=data["title"],
            organiser=data["organiser"],
            facility=data["facility"],
            start_date=data["start_date"],
            session_starts_at=form.session_starts_at(),
            venue=data["venue"],
            facilitator=data["facilitator"],
            minutes=form.minutes(),
        )
        try:
            program = program_from_template(template=template, start=start, by=request.user)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("The program was created with its first session."))
            return redirect("programs:detail", pk=program.pk)
    context = {"form": form, "template": template, "templates": templates}
    return render(request, "setup/program_new.html", context)
