"""Administrators' SATUSEHAT pages: facilities that report, and one facility's link, queue
and health workers' NIKs. Everyone else gets a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from laktasi.accounts.models import Role
from laktasi.places.models import Facility, FacilityKind
from laktasi.satusehat.forms import LinkForm, NikForm
from laktasi.satusehat.models import FacilityLink, HealthWorkerIdentity
from laktasi.satusehat.selectors import queue_status
from laktasi.satusehat.services import health_worker_nik_set, link_configure
from laktasi.satusehat.tasks import satusehat_sync


def _admin(request) -> None:
    if not request.user.is_administrator:
        raise Http404


def _reporting(pk: int) -> Facility:
    return get_object_or_404(Facility.objects.exclude(kind=FacilityKind.POSYANDU), pk=pk)


@login_required
def facility_list_view(request):
    _admin(request)
    facilities = Facility.objects.exclude(kind=FacilityKind.POSYANDU).select_related("satusehat")
    return render(request, "satusehat/list.html", {"facilities": facilities.order_by("name")})


def _workers(facility: Facility) -> list[dict]:
    staff = facility.staff.exclude(role=Role.CADRE).order_by("username")
    identities = {i.user_id: i for i in HealthWorkerIdentity.objects.filter(user__in=staff)}
    return [{"user": u, "identity": identities.get(u.pk)} for u in staff]


@login_required
def facility_view(request, pk: int):
    _admin(request)
    facility = _reporting(pk)
    link = FacilityLink.objects.filter(facility=facility).first()
    form = LinkForm(request.POST or None, initial=LinkForm.initial_for(link))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            link_configure(
                facility=facility,
                organization_id=data["organization_id"],
                location_id=data["location_id"],
                base_url=data["url"],
                client_id=data["client_id"],
                client_secret=data["client_secret"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("SATUSEHAT settings saved."))
            return redirect("satusehat:facility", pk=facility.pk)
    context = {
        "facility": facility,
        "link": link,
        "form": form,
        "status": queue_status(facility=facility),
        "workers": _workers(facility),
    }
    return render(request, "satusehat/facility.html", context)


@require_POST
@login_required
def send_now_view(request, pk: int):
    """Put this facility's sending on the background queue now (a worker runs it)."""
    _admin(request)
    facility = _reporting(pk)
    if not FacilityLink.objects.filter(facility=facility).exists():
        raise Http404
    satusehat_sync.enqueue(facility_id=facility.pk)
    messages.success(
        request, _("Sending is queued; the counts here change when the worker has sent it.")
    )
    return redirect("satusehat:facility", pk=facility.pk)


@require_POST
@login_required
def nik_view(request, pk: int):
    _admin(request)
    facility = _reporting(pk)
    form = NikForm(request.POST)
    if form.is_valid():
        user = get_object_or_404(facility.staff.all(), pk=form.cleaned_data["user"])
        health_worker_nik_set(user=user, nik=form.cleaned_data["nik"])
        messages.success(request, _("The health worker's NIK was saved."))
    else:
        messages.error(request, " ".join(form.errors.get("nik", [_("Check the NIK.")])))
    return redirect("satusehat:facility", pk=facility.pk)
