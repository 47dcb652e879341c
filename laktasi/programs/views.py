"""Program pages: sessions, attendance tick lists, enrolment and the consultation log.

Viewers see aggregates only; names come from the scoped selectors. Every form works without
JavaScript; htmx only saves a tick without reloading the page.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import UUIDField
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from laktasi.accounts.guards import require_personal_access
from laktasi.core.forms import attach_errors
from laktasi.core.idempotency import key_lookup as idempotency_lookup
from laktasi.mothers.selectors import mother_get
from laktasi.mothers.views import registration
from laktasi.offline.outcome import offline_outcome, offline_requested
from laktasi.privacy.models import AccessAction
from laktasi.privacy.services import access_log_record
from laktasi.programs import pregnancy
from laktasi.programs.forms import ConsultationForm, EnrolForm
from laktasi.programs.selectors import (
    attendance_list,
    consultation_get,
    enrollment_list,
    program_get,
    program_list,
    session_get,
    session_list,
)
from laktasi.programs.services import (
    CONSULTATION_KIND,
    attendance_set,
    attendance_set_once,
    consultation_record_once,
    enrollment_add,
)


@login_required
def program_list_view(request):
    return render(request, "programs/list.html", {"programs": program_list(user=request.user)})


@login_required
def program_detail_view(request, pk: int):
    program = program_get(user=request.user, pk=pk)
    sees_names = request.user.sees_personal_data
    enrollments = (
        enrollment_list(user=request.user, program=program).order_by("mother__full_name")
        if sees_names
        else None
    )
    sessions = session_list(user=request.user, program=program).prefetch_related("agenda_items")
    present = {}
    if sees_names:
        for row in attendance_list(user=request.user).filter(session__program=program):
            present[row.session_id] = present.get(row.session_id, 0) + 1
    context = {
        "program": program,
        "sessions": [(s, present.get(s.pk, 0)) for s in sessions],
        "enrollments": enrollments,
        "enrolled_total": program.enrollments.count(),
        "sees_names": sees_names,
    }
    return render(request, "programs/detail.html", context)


@login_required
def program_register_mother_view(request, pk: int):
    """Register a mother and enrol her in this program, in one step (all or nothing)."""
    require_personal_access(request)
    program = program_get(user=request.user, pk=pk)
    return registration(
        request,
        extra={"program": program},
        after_save=lambda mother: enrollment_add(program=program, mother=mother),
    )


@login_required
def enrol_view(request, mother_pk: int):
    require_personal_access(request)
    mother = mother_get(user=request.user, pk=mother_pk)
    form = EnrolForm(request.POST or None, user=request.user, mother=mother)
    if request.method == "POST" and form.is_valid():
        enrollment_add(program=form.cleaned_data["program"], mother=mother)
        messages.success(request, _("Enrolled."))
        return redirect("mothers:detail", pk=mother.pk)
    return render(request, "programs/enrol.html", {"form": form, "mother": mother})


# ---------------------------------------------------------------------------- attendance


def _attendance_rows(request, session):
    """(enrollment, attendance or None) for every enrolled mother the user may see."""
    enrollments = enrollment_list(user=request.user, program=session.program).order_by(
        "mother__full_name", "mother__pk"
    )
    marked = {a.mother_id: a for a in attendance_list(user=request.user, session=session)}
    return [(e.mother, marked.get(e.mother_id)) for e in enrollments]


def _ticks(request, mother_pk: int) -> tuple[bool, bool, bool]:
    """(present, companion present, pregnant) from the tick list."""
    value = str(mother_pk)
    present = value in request.POST.getlist("present")
    return (
        present,
        present and value in request.POST.getlist("companion"),
        present and value in request.POST.getlist("pregnant"),
    )


def _hands_on(session, rows) -> list[tuple]:
    """Hands-on agenda items with the pregnant participants who observe or use a model."""
    pregnant = [m for m, a in rows if a is not None and a.pregnant]
    return [
        (item, pregnant)
        for item in session.agenda_items.all()
        if item.kind in pregnancy.HANDS_ON_AGENDA
    ]


@login_required
def session_detail_view(request, pk: int):
    """The attendance tick list. POST saves every row (the form without JavaScript)."""
    require_personal_access(request)
    session = session_get(user=request.user, pk=pk)
    rows = _attendance_rows(request, session)
    if request.method == "POST":
        with transaction.atomic():
            for mother, _row in rows:
                present, companion, pregnant = _ticks(request, mother.pk)
                attendance_set(
                    session=session, mother=mother, present=present, companion_present=companion,
                    pregnant=pregnant,
                )  # fmt: skip
        messages.success(request, _("Attendance saved."))
        return redirect("programs:session", pk=session.pk)
    context = {
        "session": session,
        "rows": rows,
        "present_count": sum(1 for _m, a in rows if a is not None),
        "total": len(rows),
        "hands_on": _hands_on(session, rows),
        "pregnant_note": pregnancy.PREGNANT_PRACTICE_NOTE,
    }
    return render(request, "programs/session.html", context)


@login_required
@require_POST
def attendance_toggle_view(request, pk: int, mother_pk: int):
    """Save one row's ticks (htmx); without htmx, back to the list."""
    require_personal_access(request)
    if offline_requested(request):
        return attendance_toggle_offline(request, pk, mother_pk)
    session = session_get(user=request.user, pk=pk)
    mother = mother_get(user=request.user, pk=mother_pk)
    if not enrollment_list(user=request.user, program=session.program).filter(mother=mother):
        raise Http404
    present, companion, pregnant = _ticks(request, mother.pk)
    attendance = attendance_set(
        session=session, mother=mother, present=present, companion_present=companion,
        pregnant=pregnant,
    )  # fmt: skip
    if not request.htmx:
        return redirect("programs:session", pk=session.pk)
    context = {
        "session": session,
        "mother": mother,
        "attendance": attendance,
        "present_count": attendance_list(user=request.user, session=session).count(),
        "total": enrollment_list(user=request.user, program=session.program).count(),
        "oob": True,
        "pregnant_note": pregnancy.PREGNANT_PRACTICE_NOTE,
    }
    return render(request, "programs/_attendance_row.html", context)


ATTENDANCE_UNAVAILABLE = gettext_lazy(
    "You can no longer record attendance for this mother: she may have left the program's list, "
    "restricted the processing of her data or moved. Tell the bidan, then remove this entry."
)
ATTENDANCE_INVALID = gettext_lazy(
    "This attendance entry has no key and cannot be sent safely. Tick the mother again while "
    "online, then remove this entry."
)


def attendance_toggle_offline(request, pk: int, mother_pk: int):
    """One row's ticks replayed from a phone's offline queue: JSON outcome.

    Same scoping and service as the htmx tick; a repeat (same key, or ticks already on record)
    is ``duplicate``; a mother no longer in scope or refused by the service is a conflict."""
    try:
        key = UUIDField().clean(request.POST.get("submission_uuid"))
    except ValidationError as exc:
        errors = {"submission_uuid": exc.messages}
        return offline_outcome(
            "invalid", reason="invalid", message=ATTENDANCE_INVALID, errors=errors
        )
    try:
        session = session_get(user=request.user, pk=pk)
        mother = mother_get(user=request.user, pk=mother_pk)
        if not enrollment_list(user=request.user, program=session.program).filter(mother=mother):
            raise Http404
    except Http404:
        return offline_outcome("conflict", reason="unavailable", message=ATTENDANCE_UNAVAILABLE)
    present, companion, pregnant = _ticks(request, mother.pk)
    url = reverse("programs:session", args=[session.pk])
    try:
        _row, changed = attendance_set_once(
            session=session, mother=mother, key=key, present=present,
            companion_present=companion, pregnant=pregnant,
        )  # fmt: skip
    except ValidationError as exc:
        return offline_outcome(
            "conflict", reason="refused", message=" ".join(exc.messages), url=url
        )
    return offline_outcome("created" if changed else "duplicate", url=url)


# ---------------------------------------------------------------------------- consultations


def _consultation_kwargs(form: ConsultationForm) -> dict:
    data = form.cleaned_data
    return {
        "question": data["question"],
        "advice": data["advice"],
        "program": data.get("program"),
        "session": data.get("session"),
        "referral_needed": data.get("referral_needed", False),
        "referred_to": data.get("referred_to", ""),
        "followup_date": data.get("followup_date"),
        "recorded_at": data.get("recorded_at"),
    }


@login_required
def consultation_add_view(request, mother_pk: int):
    require_personal_access(request)
    if request.method == "POST" and offline_requested(request):
        return consultation_add_offline(request, mother_pk)
    mother = mother_get(user=request.user, pk=mother_pk)
    form = ConsultationForm(request.POST or None, user=request.user, mother=mother)
    if request.method == "POST" and form.is_valid():
        # The form's token is its idempotency key: a double-submitted form, or a copy of it
        # waiting in a phone's queue, saves once.
        try:
            consultation, _created = consultation_record_once(
                key=uuid.UUID(form.token), mother=mother, recorded_by=request.user,
                **_consultation_kwargs(form),
            )  # fmt: skip
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Consultation saved."))
            if consultation is None:  # saved once, erased since
                return redirect("mothers:detail", pk=mother.pk)
            return redirect("programs:consultation", pk=consultation.pk)
    return render(request, "programs/consultation_form.html", {"form": form, "mother": mother})


CONSULTATION_UNAVAILABLE = gettext_lazy(
    "You can no longer record a consultation for this mother: she may have restricted the "
    "processing of her data, withdrawn her consent or moved. Tell the bidan, then remove this "
    "entry."
)
CONSULTATION_INVALID = gettext_lazy(
    "The server found an error in this consultation. Open the mother's page while online, add "
    "the consultation again, then remove this entry."
)


def _consultation_url(consultation) -> str:
    return reverse("programs:consultation", args=[consultation.pk]) if consultation else ""


def consultation_add_offline(request, mother_pk: int):
    """A consultation replayed from a phone's offline queue: JSON outcome
    (laktasi.offline.outcome). Same form, same service as the page; only the answer differs."""
    try:
        key = UUIDField().clean(request.POST.get("form_token"))
    except ValidationError as exc:
        key, errors = None, {"form_token": exc.messages}
    else:
        errors = {"form_token": [_("This field is required.")]}
    if not key:
        return offline_outcome(
            "invalid", reason="invalid", message=CONSULTATION_INVALID, errors=errors
        )
    known = idempotency_lookup(key=key, kind=CONSULTATION_KIND)
    if known is not None:
        return offline_outcome("duplicate", url=reverse("programs:consultation", args=[known]))
    try:
        mother = mother_get(user=request.user, pk=mother_pk)
    except Http404:
        return offline_outcome("conflict", reason="unavailable", message=CONSULTATION_UNAVAILABLE)
    form = ConsultationForm(request.POST, user=request.user, mother=mother)
    if not form.is_valid():
        return offline_outcome(
            "invalid", reason="invalid", message=CONSULTATION_INVALID, errors=form.errors
        )
    try:
        consultation, created = consultation_record_once(
            key=key, mother=mother, recorded_by=request.user, **_consultation_kwargs(form)
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):  # a field the form could not check (dates)
            attach_errors(form, exc)
            return offline_outcome(
                "invalid", reason="invalid", message=CONSULTATION_INVALID, errors=form.errors
            )
        # Restricted or consent withdrawn: said without her data.
        return offline_outcome("conflict", reason="unavailable", message=CONSULTATION_UNAVAILABLE)
    outcome = "created" if created else "duplicate"
    return offline_outcome(outcome, url=_consultation_url(consultation))


@login_required
def consultation_detail_view(request, pk: int):
    require_personal_access(request)
    consultation = consultation_get(user=request.user, pk=pk)
    access_log_record(user=request.user, mother=consultation.mother, action=AccessAction.VIEW)
    return render(request, "programs/consultation.html", {"consultation": consultation})
