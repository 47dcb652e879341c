"""The mapping pages: upload a Google Forms (or any) file, then confirm or correct the
suggested mapping. Works without JavaScript; with htmx, changing the instrument refreshes
the mapping in place."""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from laktasi.imports import background
from laktasi.imports.mapping.forms import MappedUploadForm, MappingForm
from laktasi.imports.mapping.googleforms import EMAIL
from laktasi.imports.mapping.services import (
    mapped_file_read,
    mapped_import_confirm,
    mapped_import_create,
)
from laktasi.imports.mapping.spec import MappingSpec
from laktasi.imports.mapping.suggest import Suggestion, suggest, suggest_answers
from laktasi.imports.models import ImportStatus
from laktasi.imports.parsers import Table, clean_text
from laktasi.imports.selectors import can_import, importjob_get
from laktasi.imports.storage import file_path, upload_on_disk
from laktasi.instruments import registry

SURE = 90  # an answer suggested this confidently needs no confirmation when a column is added
_DIGITS = re.compile(r"\d{8,}")


@login_required
def mapping_upload_view(request):
    if not can_import(user=request.user):
        raise Http404
    form = MappedUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with upload_on_disk(upload) as path:
            try:
                job = mapped_import_create(
                    path=path,
                    file_name=upload.name,
                    user=request.user,
                    program=form.cleaned_data["program"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("imports:mapping", pk=job.pk)
    return render(request, "imports/mapping_upload.html", {"form": form})


def _sample(table: Table, position: int, role: str) -> str:
    """The column's first value, to recognise it; emails and long numbers (NIK) masked."""
    if role == EMAIL:
        return "•••"
    for _row, cells in table.rows[:20]:
        value = clean_text(cells[position]) if position < len(cells) else ""
        if value:
            return _DIGITS.sub(lambda m: "•" * (len(m[0]) - 4) + m[0][-4:], value)[:60]
    return ""


def _suggestion(table: Table, spec: MappingSpec, instrument_id: str) -> Suggestion:
    """laktasi's suggestion for ``instrument_id``, with the job's mapping laid over it when it
    is for the same instrument (what the user or the saved mapping already decided)."""
    suggestion = suggest(table, instrument_id=instrument_id)
    if instrument_id != spec.instrument:
        return suggestion
    for guess in suggestion.columns:
        if guess.role in ("", "item"):
            guess.item_id = spec.columns.get(guess.header, "")
            guess.role = "item" if guess.item_id else ""
    answers = suggest_answers(table, suggestion.instrument, spec.columns)
    for group, seen in answers.items():
        for raw in seen:
            if raw in spec.answers.get(group, {}):
                seen[raw] = (spec.answers[group][raw], 100)
    suggestion.answers = answers
    return suggestion


def _form(request, table, spec, instrument_id, data=None) -> MappingForm:
    suggestion = _suggestion(table, spec, instrument_id)
    by_role = {g.role: g.header for g in suggestion.columns}
    initial = {
        "instrument": instrument_id,
        "identifier_column": spec.identifier_column or suggestion.identifier_column,
        "identifier_kind": spec.identifier_kind or suggestion.identifier_kind,
        "timepoint": spec.timepoint,
        "followup_number": spec.followup_number,
        "timestamp_column": spec.timestamp_column or by_role.get("timestamp", ""),
        "score_column": spec.score_column or by_role.get("score", ""),
    }
    samples = {g.header: _sample(table, g.position, g.role) for g in suggestion.columns}
    return MappingForm(
        data,
        initial=initial,
        header=table.header,
        definition=suggestion.instrument,
        guesses=suggestion.columns,
        answers=suggestion.answers,
        samples=samples,
    )


def _complete_answers(table: Table, spec: MappingSpec) -> bool:
    """Fill answers of newly mapped columns that laktasi is sure of; False when some answer
    still needs the user (the page is shown again with it)."""
    found = suggest_answers(table, spec.definition(), spec.columns)
    complete = True
    for group, seen in found.items():
        target = spec.answers.setdefault(group, {})
        for raw, (choice, confidence) in seen.items():
            if raw in target:
                continue
            if choice and confidence >= SURE:
                target[raw] = choice
            else:
                complete = False
    return complete


def _confirm(request, job, table: Table, form: MappingForm) -> MappingForm | None:
    """Confirm the posted mapping (None), or the form to show again with what is missing."""
    new = form.spec()
    if not _complete_answers(table, new):
        job.mapped.spec = new.to_json()
        job.mapped.save(update_fields=["spec"])
        form = _form(request, table, new, new.instrument)
        form.add_error(None, _("Some answers in the newly mapped columns need a choice."))
        return form
    try:
        mapped_import_confirm(job=job, spec=new, user=request.user, table=table)
    except ValidationError as exc:
        form.add_error(None, exc)
        return form
    return None


def _unmapped(form: MappingForm) -> list:
    """The instrument's items without a column, as the user chose the columns."""
    if form.is_bound and hasattr(form, "cleaned_data"):
        mapped_items = set(form.spec().columns.values())
    else:
        mapped_items = {g.item_id for g in form.guesses if g.role == "item"}
    return [it for it in form.definition.items if it.id not in mapped_items]


@login_required
def mapping_view(request, pk: int):
    if not can_import(user=request.user):
        raise Http404
    job = importjob_get(user=request.user, pk=pk)
    mapped = getattr(job, "mapped", None)
    if mapped is None or job.status not in (ImportStatus.PREVIEWED, ImportStatus.REFUSED):
        return redirect("imports:detail", pk=job.pk)
    try:
        with file_path(job) as path:  # the upload is stored encrypted (imports/storage.py)
            table = mapped_file_read(path)
    except ValidationError as exc:
        return render(request, "imports/mapping.html", {"job": job, "file_error": exc.messages})
    spec = MappingSpec.from_json(mapped.spec)
    source = request.POST if request.method == "POST" else request.GET
    instrument_id = source.get("instrument") or spec.instrument
    if instrument_id not in registry.load_all():
        instrument_id = spec.instrument
    if request.method == "POST" and request.POST.get("action") == "instrument":
        return redirect(reverse("imports:mapping", args=[job.pk]) + f"?instrument={instrument_id}")
    form = _form(request, table, spec, instrument_id, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form = _confirm(request, job, table, form)
        if form is None:
            background.start(job, "preview")
            return redirect("imports:detail", pk=job.pk)
    unmapped = _unmapped(form)
    context = {"job": job, "form": form, "unmapped": unmapped, "rows": len(table.rows)}
    template = "imports/_mapping_form.html" if request.htmx else "imports/mapping.html"
    return render(request, template, context)
