"""Mother pages: list, search, registration, the mother's page and corrections.

Thin views: parse input, call a selector or a service, render. Names and NIKs never travel in
a URL: the name search is POSTed and kept in the session (docs/decisions/0002).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from laktasi.accounts import policy
from laktasi.accounts.guards import require_personal_access
from laktasi.core.crypto import keyed_hash
from laktasi.core.forms import attach_errors, once_claim, once_done, once_release, once_result
from laktasi.mothers import timeline
from laktasi.mothers.forms import (
    BabyForm,
    CompanionForm,
    ConsentForm,
    MotherFilterForm,
    MotherForm,
    NameSearchForm,
    check_baby_after_mother,
)
from laktasi.mothers.models import Mother
from laktasi.mothers.offline_register import registered_with, registration_offline, save_claimed
from laktasi.mothers.selectors import (
    mother_get,
    mother_has_consent,
    mother_likely_duplicates,
    mother_list,
    mother_search,
)
from laktasi.mothers.services import mother_register, mother_update
from laktasi.offline.outcome import offline_requested
from laktasi.places.selectors import village_search
from laktasi.privacy.access_log import access_log_record
from laktasi.privacy.models import AccessAction

SEARCH_SESSION_KEY = "mothers_search"
PAGE_SIZE = 25


# ---------------------------------------------------------------------------- list and search


@login_required
def mother_list_view(request):
    require_personal_access(request)
    user = request.user
    query = request.session.get(SEARCH_SESSION_KEY, "")
    filter_form = MotherFilterForm(
        request.GET or None, user=user, categories=timeline.result_categories()
    )
    filters = filter_form.filters() if request.GET else {}
    mothers = mother_search(user=user, search=query, **filters)
    page = Paginator(mothers, PAGE_SIZE).get_page(request.GET.get("page"))
    kept = {k: v for k, v in request.GET.items() if k != "page" and v}
    context = {
        "page": page,
        "query": query,
        "search_form": NameSearchForm(initial={"q": query}),
        "filter_form": filter_form,
        "filter_query": urlencode(kept),
        "filtered": bool(kept),
        "may_register": policy.may_register(user),
    }
    if request.htmx:
        return render(request, "mothers/list.html#results", context)
    return render(request, "mothers/list.html", context)


@login_required
@require_POST
def mother_search_view(request):
    """Keep the name search in the session and show the list (POST → redirect → GET)."""
    require_personal_access(request)
    form = NameSearchForm(request.POST)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    if query and not request.POST.get("clear"):
        request.session[SEARCH_SESSION_KEY] = query
    else:
        request.session.pop(SEARCH_SESSION_KEY, None)
    return redirect("mothers:list")


@login_required
def village_search_view(request):
    """Villages by name or code start (public reference data, no personal data in the query).

    htmx fills the registration form's <datalist>; without JS it is a page listing codes."""
    text = request.GET.get("village") or request.GET.get("q") or ""
    villages = list(village_search(text=text)) if len(text.strip()) >= 2 else []
    context = {"villages": villages, "text": text}
    if request.htmx:
        return render(request, "mothers/village_search.html#options", context)
    return render(request, "mothers/village_search.html", context)


# ---------------------------------------------------------------------------- registration


@dataclass
class RegistrationForms:
    mother: MotherForm
    baby: BabyForm
    companion: CompanionForm
    consent: ConsentForm

    def all(self):
        return (self.mother, self.baby, self.companion, self.consent)

    def is_valid(self) -> bool:
        # Validate every form (not all() on a generator) so all errors show at once.
        results = [form.is_valid() for form in self.all()]
        valid = all(results)
        if valid:
            check_baby_after_mother(self.mother, self.baby)
        return valid and not self.baby.errors


def registration_forms(request) -> RegistrationForms:
    data = request.POST if request.method == "POST" else None
    return RegistrationForms(
        mother=MotherForm(data, user=request.user),
        baby=BabyForm(data, prefix="baby"),
        companion=CompanionForm(data, prefix="companion"),
        consent=ConsentForm(data),
    )


@dataclass
class Duplicates:
    """What the registration form may say about likely duplicates: in-scope ones by link;
    of mothers outside the user's scope nothing but that this NIK cannot be used (it is
    unique), in the same words the service uses, and nothing about a same-name match."""

    visible: list[Mother]
    same_nik: bool

    @property
    def any(self) -> bool:
        return bool(self.visible) or self.same_nik


def find_duplicates(request, mother_form: MotherForm) -> Duplicates:
    data = mother_form.cleaned_data
    candidates = mother_likely_duplicates(
        nik=data.get("nik", ""),
        full_name=" ".join(data["full_name"].split()),
        birth_date=data["birth_date"],
        village_code=data["village"].code,
    )
    ids = set(candidates.values_list("pk", flat=True))
    visible = list(mother_list(user=request.user).filter(pk__in=ids)) if ids else []
    nik = data.get("nik", "")
    same_nik = bool(nik) and candidates.filter(nik_hash=keyed_hash(nik)).exists()
    return Duplicates(visible=visible, same_nik=same_nik)


def _save_registration(request, forms: RegistrationForms, after_save) -> Mother:
    mother_data = forms.mother.service_fields()
    baby = forms.baby.service_fields() if forms.baby.filled else None
    companion = forms.companion.service_fields() if forms.companion.filled else None
    if baby and not mother_data.get("delivery_date"):
        mother_data["delivery_date"] = baby["birth_date"]
    consent = {
        "text_version": forms.consent.text_version,
        "channel": forms.consent.cleaned_data["channel"],
        "language": request.LANGUAGE_CODE[:2],
    }
    with transaction.atomic():
        mother = mother_register(
            registered_by=request.user,
            baby=baby,
            companion=companion,
            consent=consent,
            **mother_data,
        )
        if after_save is not None:
            after_save(mother)
    return mother


def registration(
    request,
    *,
    template: str = "mothers/register.html",
    extra: dict | None = None,
    after_save: Callable[[Mother], object] | None = None,
) -> HttpResponse:
    """The registration flow, shared with the program page's "register and enrol".

    ``after_save(mother)`` runs in the same transaction as the registration (all or nothing).
    """
    if request.method == "POST" and offline_requested(request):
        forms = registration_forms(request)
        return registration_offline(
            request,
            forms,
            find_duplicates=find_duplicates,
            save=lambda: _save_registration(request, forms, after_save),
            attach_errors=attach_errors,
        )
    if request.method == "POST":
        # A second tap on "Save" after the first one went through: show what was saved.
        token = request.POST.get("form_token", "")
        earlier = once_result(token) or registered_with(token)
        if earlier:
            messages.info(request, _("This registration was already saved."))
            return redirect(earlier)
    forms = registration_forms(request)
    duplicates = None
    if request.method == "POST" and forms.is_valid():
        duplicates = find_duplicates(request, forms.mother)
        confirmed = forms.consent.cleaned_data.get("confirm_duplicate")
        if not duplicates.any or (confirmed and not duplicates.same_nik):
            saved = _register_once(request, forms, after_save)
            if saved is not None:
                return saved
    context = {
        "forms": forms,
        "duplicates": duplicates,
        "consent_version": forms.consent.text_version,
        **(extra or {}),
    }
    return render(request, template, context)


def _register_once(request, forms, after_save) -> HttpResponse | None:
    """Save a confirmed registration once per form token: the redirect to her page (or to an
    earlier save of the same form), or None with the service's errors put on the form."""
    token = forms.consent.token
    earlier = once_claim(token)
    if earlier is not None:
        if earlier:
            messages.info(request, _("This registration was already saved."))
            return redirect(earlier)
        messages.info(request, _("This registration is being saved; check the list."))
        return redirect("mothers:list")
    try:
        mother = save_claimed(
            token=token, save=lambda: _save_registration(request, forms, after_save)
        )
    except ValidationError as exc:
        once_release(token)
        attach_errors(forms.mother, exc)
        return None
    except BaseException:
        once_release(token)
        raise
    url = reverse("mothers:detail", args=[mother.pk])
    once_done(token, url)
    messages.success(request, _("Mother registered: %(id)s") % {"id": mother.identifier})
    return redirect(url)


@login_required
def mother_register_view(request):
    if not policy.may_register(request.user):
        raise Http404
    return registration(request)


# ---------------------------------------------------------------------------- the mother's page


TIMEPOINT_ORDER = {"pre": 0, "post": 1, "followup": 2}


def results_by_instrument(events: list[timeline.Event]) -> list[dict]:
    """Response events grouped per instrument, timepoints in order (pre → post → follow-ups),
    so a change of category reads left to right."""
    groups: dict[str, dict] = {}
    for event in events:
        if event.kind != "response":
            continue
        key = event.extra.get("instrument_id", event.title)
        groups.setdefault(key, {"title": event.title, "url": event.url, "steps": []})
        groups[key]["steps"].append(event)
    for group in groups.values():
        group["steps"].sort(
            key=lambda e: (
                TIMEPOINT_ORDER.get(e.extra.get("timepoint"), 3),
                e.extra.get("followup_number", 0),
            )
        )
    return list(groups.values())


@login_required
def mother_detail_view(request, pk: int):
    require_personal_access(request)
    mother = mother_get(user=request.user, pk=pk)
    access_log_record(user=request.user, mother=mother, action=AccessAction.VIEW)
    events = timeline.timeline_events(mother, user=request.user)
    context = {
        "mother": mother,
        "babies": mother.babies.all(),
        "companions": mother.companions.all(),
        "consents": mother.consents.all(),
        "has_consent": mother_has_consent(mother=mother),
        "enrollments": mother.enrollments.select_related("program"),
        "events": events,
        "results": results_by_instrument(events),
    }
    return render(request, "mothers/detail.html", context)


@login_required
def mother_edit_view(request, pk: int):
    require_personal_access(request)
    mother = mother_get(user=request.user, pk=pk)
    if not policy.may_edit_mother(request.user, mother):
        raise Http404
    if request.method == "GET":
        access_log_record(user=request.user, mother=mother, action=AccessAction.EDIT)
    # The form edits its own copy, so the page header keeps the saved name on errors.
    editable = mother_get(user=request.user, pk=pk)
    form = MotherForm(request.POST or None, instance=editable, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                mother_update(mother=editable, by=request.user, **form.service_fields())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("mothers:detail", pk=mother.pk)
    return render(request, "mothers/edit.html", {"form": form, "mother": mother})
