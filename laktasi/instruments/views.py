"""Filling instruments on a phone: choose, fill, see the score, correct with history.

Every object comes through the scoped selectors; writes go through
``laktasi.instruments.services``; the score shown is the scoring module's.
"""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laktasi.accounts.guards import require_personal_access
from laktasi.core.forms import attach_errors
from laktasi.instruments import registry, scoring
from laktasi.instruments.forms import InstrumentForm, RecordForm, language, short_name
from laktasi.instruments.models import Observer, Timepoint
from laktasi.instruments.selectors import instrument_definitions, response_get, response_list
from laktasi.instruments.services import program_rules, response_record, response_update
from laktasi.mothers.selectors import mother_get, mother_has_consent
from laktasi.mothers.services import MSG_NO_CONSENT
from laktasi.offline.outcome import offline_outcome, offline_requested
from laktasi.privacy.models import AccessAction
from laktasi.privacy.services import access_log_record
from laktasi.programs.selectors import enrollment_list, program_get, program_list, session_list

# Recall is recorded with follow-up visits, not from this page.
WEB_KINDS = ("knowledge", "checklist", "smoothness", "likert", "interview")
TIMEPOINTS = (Timepoint.PRE, Timepoint.POST, Timepoint.FOLLOWUP)
# The order of a program day; instruments not listed follow alphabetically.
WEB_ORDER = (
    "knowledge_test",
    "oxytocin_massage_checklist",
    "marmet_checklist",
    "milk_smoothness",
    "breastfeeding_confidence",
    "family_support",
    "bses_sf",
    "sociocultural_interview",
)
# The program page shows these columns; the full table has every instrument.
MATRIX_SUMMARY = ("knowledge_test", "oxytocin_massage_checklist")


OFFLINE_UNAVAILABLE = gettext_lazy(
    "You can no longer open this mother's record: she may have restricted the processing of "
    "her data, withdrawn her consent or moved. Tell the bidan, then remove this entry."
)
OFFLINE_FORM_CHANGED = gettext_lazy(
    "This form has changed since this entry was saved on the phone. Open the form again while "
    "online, enter it anew, then remove this entry."
)
OFFLINE_INVALID = gettext_lazy(
    "The server found an error in this entry. Open the form again while online, enter it "
    "anew, then remove this entry."
)


def web_definitions():
    found = [d for d in instrument_definitions() if d.kind in WEB_KINDS]
    rank = {iid: n for n, iid in enumerate(WEB_ORDER)}
    return sorted(found, key=lambda d: (rank.get(d.id, len(rank)), d.id))


def definition_or_404(instrument_id: str, version: str | None = None):
    try:
        return registry.get(instrument_id, version)
    except registry.UnknownInstrumentError as exc:
        raise Http404("unknown instrument") from exc


def mother_programs(user, mother):
    """Programs the user may open that the mother is enrolled in."""
    return program_list(user=user).filter(enrollments__mother=mother).order_by("-start_date")


def result_for(response, definition):
    """The scoring result of a stored response (for its category label and details)."""
    rules = program_rules(program=response.program, instrument=definition)
    return scoring.score(definition, response.answers, rules=rules or None)


# ---------------------------------------------------------------------------- choose


@login_required
def choose_view(request, mother_pk: int):
    """Which instruments are done and which are missing for this mother, per timepoint."""
    require_personal_access(request)
    mother = mother_get(user=request.user, pk=mother_pk)
    programs = list(mother_programs(request.user, mother))
    program = None
    if request.GET.get("program"):
        program = next((p for p in programs if str(p.pk) == request.GET["program"]), None)
    elif programs:
        program = programs[0]
    done = {}
    for r in response_list(user=request.user, mother=mother).filter(program=program):
        done.setdefault((r.instrument_id, r.timepoint), []).append(r)
    rows = []
    for definition in web_definitions():
        cells = []
        for tp in TIMEPOINTS:
            query = {"program": program.pk} if program else {}
            url = reverse("instruments:fill", args=[mother.pk, definition.id, tp.value])
            cells.append(
                {
                    "timepoint": tp,
                    "responses": done.get((definition.id, tp.value), []),
                    "fill_url": f"{url}?{urlencode(query)}" if query else url,
                }
            )
        rows.append({"definition": definition, "title": definition.title(language()),
                     "cells": cells})  # fmt: skip
    context = {
        "mother": mother,
        "programs": programs,
        "program": program,
        "rows": rows,
        "has_consent": mother_has_consent(mother=mother),
    }
    return render(request, "instruments/choose.html", context)


# ---------------------------------------------------------------------------- fill


def _collected_at(day):
    now = timezone.localtime()
    if day == now.date():
        return now
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


@login_required
def fill_view(request, mother_pk: int, instrument_id: str, timepoint: str):
    require_personal_access(request)
    if request.method == "POST" and offline_requested(request):
        return fill_offline(request, mother_pk, instrument_id, timepoint)
    mother = mother_get(user=request.user, pk=mother_pk)
    if timepoint not in Timepoint.values:
        raise Http404
    definition = definition_or_404(instrument_id)
    if definition.kind not in WEB_KINDS:
        raise Http404
    programs = mother_programs(request.user, mother)
    sessions = session_list(user=request.user).filter(program__in=programs)
    data = request.POST if request.method == "POST" else None
    initial = _initial_from_query(request)
    form = RecordForm(
        data,
        initial=initial,
        definition=definition,
        mother=mother,
        timepoint=timepoint,
        programs=programs,
        sessions=sessions,
    )
    if not mother_has_consent(mother=mother):
        messages.error(request, MSG_NO_CONSENT)
        return redirect("mothers:detail", pk=mother.pk)
    if request.method == "GET":
        existing = _existing(request, mother, definition, timepoint, initial)
        if existing is not None:
            messages.info(request, _("Already recorded: you can correct it here."))
            return redirect("instruments:edit", pk=existing.pk)
    if request.method == "POST" and form.is_valid():
        saved = _record(request, form, mother, definition, timepoint)
        if saved is not None:
            return saved
    context = {
        "mother": mother,
        "definition": definition,
        "title": definition.title(language()),
        "description": definition.description(language()),
        "timepoint": Timepoint(timepoint),
        "form": form,
        "lang": language(),
    }
    return render(request, "instruments/fill.html", context)


def _initial_from_query(request) -> dict[str, int]:
    """The program and follow-up number a link to the form chose (?program=…&followup=…)."""
    initial = {}
    if request.GET.get("program", "").isdigit():
        initial["program"] = int(request.GET["program"])
    if request.GET.get("followup", "").isdigit():
        initial["followup_number"] = int(request.GET["followup"])
    return initial


def _save(request, form, mother, definition, timepoint: str):
    """The valid form through the service, once per form token: (response, created).
    The service's refusals are raised as ValidationError."""
    cleaned = form.cleaned_data
    with transaction.atomic():
        return response_record(
            mother=mother,
            instrument_id=definition.id,
            version=definition.version,
            timepoint=timepoint,
            answers=form.answers(),
            collected_by=request.user,
            program=cleaned.get("program"),
            session=cleaned.get("session"),
            followup_number=cleaned.get("followup_number") or 0,
            performed_by_companion=cleaned.get("performed_by_companion"),
            submission_uuid=form.token,
            collected_at=_collected_at(cleaned["collected_on"]),
        )


def _record(request, form, mother, definition, timepoint: str):
    """Save the valid form through the service: the redirect to the response, or None with
    the service's errors put on the form."""
    try:
        response, created = _save(request, form, mother, definition, timepoint)
    except ValidationError as exc:
        attach_errors(form, exc)
        return None
    if created:
        messages.success(request, _("Saved."))
    return redirect("instruments:response", pk=response.pk)


def fill_offline(request, mother_pk: int, instrument_id: str, timepoint: str):
    """A test or checklist replayed from a phone's offline queue: JSON outcome
    (laktasi.offline.outcome); same form, same service, ``form_token`` as idempotency key."""
    try:
        mother = mother_get(user=request.user, pk=mother_pk)
    except Http404:
        return offline_outcome("conflict", reason="unavailable", message=OFFLINE_UNAVAILABLE)
    definition = definition_or_404(instrument_id)
    if timepoint not in Timepoint.values or definition.kind not in WEB_KINDS:
        raise Http404
    if request.POST.get("instrument_version") != definition.version:
        # Answers are keyed by item: under another version they could mean something else.
        return offline_outcome("conflict", reason="form_changed", message=OFFLINE_FORM_CHANGED)
    programs = mother_programs(request.user, mother)
    form = RecordForm(
        request.POST, definition=definition, mother=mother, timepoint=timepoint,
        programs=programs, sessions=session_list(user=request.user).filter(program__in=programs),
    )  # fmt: skip
    if not form.is_valid() or not form.cleaned_data.get("form_token"):
        return offline_outcome("invalid", reason="invalid", message=OFFLINE_INVALID,
                               errors=form.errors)  # fmt: skip
    try:
        response, created = _save(request, form, mother, definition, timepoint)
    except ValidationError as exc:
        return offline_outcome("conflict", reason="refused", message=" ".join(exc.messages),
                               url=reverse("mothers:detail", args=[mother.pk]))  # fmt: skip
    url = reverse("instruments:response", args=[response.pk])
    return offline_outcome("created" if created else "duplicate", url=url)


def _existing(request, mother, definition, timepoint, initial):
    program_id = initial.get("program")
    qs = response_list(user=request.user, mother=mother, instrument_id=definition.id).filter(
        timepoint=timepoint,
        observer=Observer.PRIMARY,
        followup_number=initial.get("followup_number", 0) if timepoint == "followup" else 0,
    )
    if program_id:
        qs = qs.filter(program_id=program_id)
    else:
        programs = list(mother_programs(request.user, mother)[:2])
        qs = qs.filter(program=programs[0]) if len(programs) == 1 else qs.none()
    if timepoint == "followup" and "followup_number" not in initial:
        return None
    return qs.first()


# ---------------------------------------------------------------------------- a response


@login_required
def response_detail_view(request, pk: int):
    require_personal_access(request)
    response = response_get(user=request.user, pk=pk)
    access_log_record(user=request.user, mother=response.mother, action=AccessAction.VIEW)
    definition = definition_or_404(response.instrument_id, response.instrument_version)
    result = result_for(response, definition)
    lang = language()
    answers = []
    for n, item in enumerate(definition.items, start=1):
        value = response.answers.get(item.id)
        answers.append({"n": n, "item": item, "label": item.label_for(lang),
                        "value": _display(item, value, lang)})  # fmt: skip
    history = list(
        response.history.select_related("history_user").order_by("-history_date", "-history_id")
    )
    context = {
        "response": response,
        "definition": definition,
        "title": definition.title(lang),
        "category_label": result.category_label(lang),
        "result": result,
        "answers": answers,
        "history": history,
        "missing": [definition.item(i).label_for(lang) for i in result.missing_items],
        "critical_failed": _critical_failed(definition, response.answers),
    }
    return render(request, "instruments/response.html", context)


def _display(item, value, lang: str) -> str:
    if value is None:
        return "–"
    if item.type == "select_multiple":
        return ", ".join(item.choice(v).label.get(lang) for v in value)
    if item.choices:
        try:
            return item.choice(str(value)).label.get(lang)
        except KeyError:
            return str(value)
    return str(value)


def _critical_failed(definition, answers) -> list[str]:
    if definition.kind != "checklist":
        return []
    top = definition.scoring.get("top_level", 1)
    lang = language()
    return [
        item.label_for(lang)
        for item in definition.items
        if item.critical and int(answers.get(item.id, 0) or 0) < top
    ]


@login_required
def response_edit_view(request, pk: int):
    """Correct the answers; the previous answers stay in the history."""
    require_personal_access(request)
    response = response_get(user=request.user, pk=pk)
    if request.method == "GET":
        access_log_record(user=request.user, mother=response.mother, action=AccessAction.EDIT)
    definition = definition_or_404(response.instrument_id, response.instrument_version)
    form = InstrumentForm(request.POST or None, definition=definition, answers=response.answers)
    if request.method == "POST" and form.is_valid():
        if scoring.normalise_answers(definition, form.answers()) == response.answers:
            # Nothing changed (or the same correction sent twice): no new history entry.
            return redirect("instruments:response", pk=response.pk)
        try:
            with transaction.atomic():
                response_update(response=response, answers=form.answers(), changed_by=request.user)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request, _("Changes saved; the earlier answers are kept in the history.")
            )
            return redirect("instruments:response", pk=response.pk)
    context = {
        "response": response,
        "mother": response.mother,
        "definition": definition,
        "title": definition.title(language()),
        "description": definition.description(language()),
        "timepoint": Timepoint(response.timepoint),
        "form": form,
        "editing": True,
    }
    return render(request, "instruments/fill.html", context)


# ---------------------------------------------------------------------------- program matrix


@login_required
def matrix_view(request, program_pk: int):
    """Per mother, which instruments are done at each timepoint and which are missing."""
    require_personal_access(request)
    program = program_get(user=request.user, pk=program_pk)
    definitions = web_definitions()
    wanted = request.GET.get("instrument", "")
    summary = bool(request.GET.get("fragment"))
    # A program started from a template names its instruments: those are its columns.
    planned = {i for ids in (program.instrument_plan or {}).values() for i in ids}
    if wanted:
        definitions = [d for d in definitions if d.id == wanted] or definitions
    elif planned:
        definitions = [d for d in definitions if d.id in planned] or definitions
    elif summary:
        definitions = [d for d in definitions if d.id in MATRIX_SUMMARY]
    mothers = [
        e.mother
        for e in enrollment_list(user=request.user, program=program).order_by(
            "mother__full_name", "mother__pk"
        )
    ]
    done: dict[tuple, list] = {}
    rows_qs = (
        response_list(user=request.user, program=program)
        .select_related(None)
        .only("pk", "mother_id", "instrument_id", "timepoint", "category", "followup_number")
    )
    for r in rows_qs:
        done.setdefault((r.mother_id, r.instrument_id, r.timepoint), []).append(r)
    columns = [(d, tp) for d in definitions for tp in TIMEPOINTS]
    totals = [0] * len(columns)
    rows = []
    for mother in mothers:
        cells = []
        for index, (d, tp) in enumerate(columns):
            found = done.get((mother.pk, d.id, tp.value), [])
            if found:
                totals[index] += 1
            url = reverse("instruments:fill", args=[mother.pk, d.id, tp.value])
            cells.append({"responses": found, "fill_url": f"{url}?program={program.pk}",
                          "timepoint": tp})  # fmt: skip
        rows.append({"mother": mother, "cells": cells})
    context = {
        "program": program,
        "definitions": [(d, short_name(d)) for d in definitions],
        "all_definitions": [(d, short_name(d)) for d in web_definitions()],
        "wanted": wanted,
        "timepoints": TIMEPOINTS,
        "rows": rows,
        "totals": totals,
        "summary": summary,
    }
    if request.htmx or summary:
        return render(request, "instruments/matrix.html#table", context)
    return render(request, "instruments/matrix.html", context)
