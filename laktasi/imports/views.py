"""Import pages: upload → preview of rejected rows → commit → result. Thin views.

Checking an upload and importing it run on the job queue (:mod:`.background`); the job page
shows "waiting for its turn", then a progress bar, refreshing itself (htmx, or a meta refresh
without JavaScript) until the job is done. The CLI (``laktasi import``) shows a progress bar too.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from laktasi.core.concurrency import busy_response
from laktasi.imports import background
from laktasi.imports.exports import TEMPLATE_KINDS, rejected_rows_render, template_render
from laktasi.imports.forms import CommitForm, UploadForm
from laktasi.imports.models import ImportStatus
from laktasi.imports.progress import progress_read
from laktasi.imports.selectors import can_import, importjob_get, importjob_list
from laktasi.imports.services import importjob_accept_incomplete, importjob_create
from laktasi.imports.storage import upload_on_disk
from laktasi.instruments import registry
from laktasi.jobs.health import worker_seen

PREVIEW_ROWS = 300


def _require_importer(request) -> None:
    if not can_import(user=request.user):
        raise Http404


def _download(name: str, content_type: str, content: bytes) -> HttpResponse:
    # The name may come from the uploaded file's name: quoted (RFC 6266 / 5987) by Django,
    # so quotes, new lines and non-ASCII letters cannot break the header.
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@login_required
def import_index_view(request):
    _require_importer(request)
    initial = {}
    if request.GET.get("program", "").isdigit():
        initial["program"] = int(request.GET["program"])
    form = UploadForm(
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )
    if request.method == "POST" and background.over_limit(user=request.user):
        return busy_response(request)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with upload_on_disk(upload) as path:
            try:
                job = importjob_create(
                    path=path,
                    file_name=upload.name,
                    user=request.user,
                    kind=form.cleaned_data["kind"],
                    program=form.cleaned_data["program"],
                    facility=form.cleaned_data["facility"],
                    instrument_id=form.cleaned_data["instrument"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                background.start(job, "preview")
                return redirect("imports:detail", pk=job.pk)
    context = {
        "form": form,
        "jobs": importjob_list(user=request.user)[:20],
        "instruments": [
            (iid, list(v.values())[-1].title()) for iid, v in registry.load_all().items()
        ],
    }
    return render(request, "imports/index.html", context)


@login_required
def import_detail_view(request, pk: int):
    _require_importer(request)
    job = importjob_get(user=request.user, pk=pk)
    background.recover_if_stale(job)
    context = {
        "job": job,
        "errors": job.errors[:PREVIEW_ROWS],
        "more_errors": len(job.errors) > PREVIEW_ROWS or job.rejected > len(job.errors),
        "form": CommitForm(),
        "can_commit": job.status in (ImportStatus.PREVIEWED, ImportStatus.REFUSED),
        **_progress_context(job),
    }
    return render(request, "imports/detail.html", context)


@login_required
def import_progress_view(request, pk: int):
    """The progress card alone (htmx polls it); once the job is done, reload the page."""
    _require_importer(request)
    job = importjob_get(user=request.user, pk=pk)
    if background.recover_if_stale(job) or job.status != ImportStatus.RUNNING:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "imports/_progress.html", {"job": job, **_progress_context(job)})


def _progress_context(job) -> dict:
    if job.status != ImportStatus.RUNNING:
        return {"progress": None}
    progress = progress_read(job.token)
    waiting = progress is not None and progress.stage == "queued"
    return {"progress": progress, "no_worker": waiting and not worker_seen()}


@require_POST
@login_required
def import_commit_view(request, pk: int):
    _require_importer(request)
    job = importjob_get(user=request.user, pk=pk)
    if job.status in (ImportStatus.COMMITTED, ImportStatus.PARTIAL):
        messages.error(request, _("This file has already been imported."))
        return redirect("imports:detail", pk=job.pk)
    if background.over_limit(user=request.user):
        return busy_response(request)
    form = CommitForm(request.POST)
    form.is_valid()
    importjob_accept_incomplete(job=job, accept=form.cleaned_data.get("accept_incomplete", False))
    background.start(job, "commit", valid_only=form.cleaned_data.get("valid_only", False))
    job.refresh_from_db()
    if job.status == ImportStatus.REFUSED and not job.rejected:
        messages.error(
            request,
            _(
                "Nothing was imported: questions are missing from the file. Export it again "
                "with every question, or tick the box to import the responses without them."
            ),
        )
    elif job.status == ImportStatus.REFUSED:
        messages.error(
            request,
            _(
                "Nothing was imported because some rows were rejected. Fix them, or import the "
                "valid rows only."
            ),  # fmt: skip
        )
    elif job.status in (ImportStatus.COMMITTED, ImportStatus.PARTIAL):
        messages.success(request, _("Import finished."))
    return redirect("imports:detail", pk=job.pk)


@login_required
def import_rejected_view(request, pk: int):
    _require_importer(request)
    job = importjob_get(user=request.user, pk=pk)
    if not job.file:
        # Imported, erased, or past the retention period: the rows cannot be rebuilt.
        return render(request, "imports/file_gone.html", {"job": job}, status=410)
    return _download(*rejected_rows_render(job))


@login_required
def import_template_view(request, kind: str):
    _require_importer(request)
    if kind not in TEMPLATE_KINDS:
        raise Http404
    try:
        return _download(*template_render(kind, request.GET.get("instrument", "")))
    except registry.UnknownInstrumentError as exc:
        raise Http404 from exc
