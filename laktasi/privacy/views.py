"""Data-subject rights from the mother's page: export, change history, restriction, erasure.

Any user who may see the mother may export her data and read its history (both are logged);
restriction and erasure are for administrators. Out of scope is a 404, as everywhere.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from laktasi.mothers.selectors import mother_get
from laktasi.privacy.models import AccessAction
from laktasi.privacy.selectors import access_log_for_mother, mother_changes
from laktasi.privacy.services import (
    access_log_record,
    mother_erase,
    mother_export,
    mother_export_pdf,
    mother_restrict,
)


def _mother(request, pk: int, *, admin_only: bool = False):
    if admin_only and not request.user.is_administrator:
        raise Http404
    return mother_get(user=request.user, pk=pk)


@login_required
def privacy_view(request, pk: int):
    mother = _mother(request, pk)
    context = {
        "mother": mother,
        "log": access_log_for_mother(mother=mother)[:50] if request.user.is_administrator else None,
    }
    return render(request, "privacy/mother.html", context)


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def export_json_view(request, pk: int):
    mother = _mother(request, pk)
    access_log_record(user=request.user, mother=mother, action=AccessAction.EXPORT_JSON)
    data = mother_export(mother=mother).to_json()
    return _download(data, "application/json", f"laktasi-{mother.identifier}.json")


@login_required
def export_pdf_view(request, pk: int):
    mother = _mother(request, pk)
    access_log_record(user=request.user, mother=mother, action=AccessAction.EXPORT_PDF)
    pdf = mother_export_pdf(export=mother_export(mother=mother))
    return _download(pdf, "application/pdf", f"laktasi-{mother.identifier}.pdf")


@login_required
def history_view(request, pk: int):
    mother = _mother(request, pk)
    access_log_record(user=request.user, mother=mother, action=AccessAction.HISTORY)
    return render(
        request,
        "privacy/history.html",
        {"mother": mother, "changes": mother_changes(mother=mother)},
    )


@require_POST
@login_required
def restrict_view(request, pk: int):
    mother = _mother(request, pk, admin_only=True)
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
    mother = _mother(request, pk, admin_only=True)
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
