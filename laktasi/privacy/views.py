"""Data-subject rights from the mother's page: export, change history, restriction, erasure.

Who may do what is ``laktasi.accounts.policy``'s: her complete export (full NIK and phone) is
for administrators and midwives; the change history for anyone who may see her, with NIK and
phone masked as the policy says; restriction and erasure for administrators. Every page is
written to the access log. Out of scope or not allowed is a 404, as everywhere.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from laktasi.accounts import policy
from laktasi.core.exporting import export
from laktasi.mothers.selectors import mother_get
from laktasi.privacy.exports import KIND as SUBJECT_EXPORT
from laktasi.privacy.models import AccessAction
from laktasi.privacy.selectors import access_log_for_mother, mother_changes
from laktasi.privacy.services import (
    access_log_record,
    mother_erase,
    mother_export,
    mother_restrict,
)


def _mother(request, pk: int, *, allowed=policy.may_view_history):
    if not allowed(request.user):
        raise Http404
    return mother_get(user=request.user, pk=pk)


@login_required
def privacy_view(request, pk: int):
    mother = _mother(request, pk)
    access_log_record(user=request.user, mother=mother, action=AccessAction.VIEW)
    admin = policy.may_restrict_or_erase(request.user)
    context = {
        "mother": mother,
        "log": access_log_for_mother(mother=mother)[:50] if admin else None,
        "may_export": policy.may_export_subject_data(request.user),
        "may_restrict": admin,
    }
    return render(request, "privacy/mother.html", context)


def _download(filename: str, content_type: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def export_json_view(request, pk: int):
    mother = _mother(request, pk, allowed=policy.may_export_subject_data)
    access_log_record(user=request.user, mother=mother, action=AccessAction.EXPORT_JSON)
    return _download(*export(SUBJECT_EXPORT, mother_export(mother=mother), fmt="json"))


@login_required
def export_pdf_view(request, pk: int):
    mother = _mother(request, pk, allowed=policy.may_export_subject_data)
    access_log_record(user=request.user, mother=mother, action=AccessAction.EXPORT_PDF)
    return _download(*export(SUBJECT_EXPORT, mother_export(mother=mother), fmt="pdf"))


@login_required
def history_view(request, pk: int):
    mother = _mother(request, pk)
    access_log_record(user=request.user, mother=mother, action=AccessAction.HISTORY)
    return render(
        request,
        "privacy/history.html",
        {"mother": mother, "changes": mother_changes(mother=mother, user=request.user)},
    )


@require_POST
@login_required
def restrict_view(request, pk: int):
    mother = _mother(request, pk, allowed=policy.may_restrict_or_erase)
    lift = request.POST.get("lift") == "1"
    try:
        mother_restrict(mother=mother, by=request.user, lift=lift)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("privacy:mother", pk=mother.pk)
    messages.success(
        request, _("Restriction lifted.") if lift else _("Processing of her data is restricted.")
    )
    return redirect("privacy:mother", pk=mother.pk)


@require_POST
@login_required
def erase_view(request, pk: int):
    mother = _mother(request, pk, allowed=policy.may_restrict_or_erase)
    if request.POST.get("confirm", "").strip().upper() != mother.identifier:
        messages.error(request, _("Type the mother's laktasi identifier to confirm the erasure."))
        return redirect("privacy:mother", pk=mother.pk)
    try:
        mother_erase(mother=mother, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("privacy:mother", pk=mother.pk)
    messages.success(request, _("Her personal data has been erased (anonymised)."))
    return redirect("privacy:mother", pk=mother.pk)
