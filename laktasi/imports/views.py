"""Import pages: upload → preview of rejected rows → commit → result. Thin views.

The web import is synchronous: the file (at most ``LAKTASI_IMPORT_MAX_MB``) is checked when
uploaded and written when committed, within the request; large files go through the CLI
(``laktasi import``), which shows a progress bar.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from laktasi.imports.exports import TEMPLATE_KINDS, rejected_rows_render, template_render
from laktasi.imports.forms import CommitForm, UploadForm
from laktasi.imports.models import ImportStatus
from laktasi.imports.selectors import can_import, importjob_get, importjob_list
from laktasi.imports.services import importjob_commit, importjob_create, importjob_preview
from laktasi.instruments import registry

PREVIEW_ROWS = 300


def _require_importer(request) -> None:
    if not can_import(user=request.user):
        raise Http404


def _download(name: str, content_type: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
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
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "upload"
            with path.open("wb") as fh:
                for chunk in upload.chunks():
                    fh.write(chunk)
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
                importjob_preview(job=job)
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
    context = {
        "job": job,
        "errors": job.errors[:PREVIEW_ROWS],
        "more_errors": len(job.errors) > PREVIEW_ROWS or job.rejected > len(job.errors),
        "form": CommitForm(),
        "can_commit": job.status in (ImportStatus.PREVIEWED, ImportStatus.REFUSED),
    }
    return render(request, "imports/detail.html", context)


@require_POST
@login_required
def import_commit_view(request, pk: int):
    _require_importer(request)
    job = importjob_get(user=request.user, pk=pk)
    form = CommitForm(request.POST)
    form.is_valid()
    try:
        importjob_commit(job=job, valid_only=form.cleaned_data.get("valid_only", False))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("imports:detail", pk=job.pk)
    job.refresh_from_db()
    if job.status == ImportStatus.REFUSED:
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
