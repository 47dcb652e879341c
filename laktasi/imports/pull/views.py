"""A program's data servers: set one up (coordinators), "Tarik data" (coordinators, midwives).

Pulling runs on the job queue (:mod:`.background`): it fetches the submissions, stores them
as an import job and checks it. A quick pull opens the preview at once; a slower one leaves
the servers page showing its state (waiting, pulling, done with a link, failed with the
reason) until it is done. Nothing is written until the user commits the import.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from laktasi.imports.pull.background import ACTIVE, pull_start, pullrun_state
from laktasi.imports.pull.forms import ServerSourceForm
from laktasi.imports.pull.selectors import (
    can_configure,
    can_pull,
    pullrun_latest,
    source_get,
    source_list,
)
from laktasi.imports.pull.services import source_save
from laktasi.imports.selectors import importable_programs
from laktasi.programs.selectors import program_get


@login_required
def servers_view(request):
    if not can_pull(user=request.user):
        raise Http404
    sources = list(source_list(user=request.user))
    runs = pullrun_latest(user=request.user, sources=sources)
    for source in sources:
        source.run = runs.get(source.pk)
        source.run_state = pullrun_state(source.run) if source.run else None
    programs = importable_programs(user=request.user) if can_configure(user=request.user) else []
    context = {"sources": sources, "programs": programs,
               "can_configure": can_configure(user=request.user),
               "pulling": any(s.run_state in ACTIVE for s in sources)}  # fmt: skip
    return render(request, "imports/servers.html", context)


@login_required
def server_edit_view(request, pk: int | None = None):
    """Add a server to a program (``?program=``) or change one; the token is never echoed."""
    source = source_get(user=request.user, pk=pk) if pk else None
    program = source.program if source else None
    if program is None:
        program = program_get(user=request.user, pk=request.GET.get("program", ""))
    if not can_configure(user=request.user, program=program):
        raise Http404
    initial = {}
    if source:
        initial = {"kind": source.kind, "base_url": source.base_url, "form_id": source.form_id,
                   "project_id": source.project_id, "username": source.username,
                   "instrument": source.instrument_id}  # fmt: skip
    form = ServerSourceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            source_save(
                user=request.user, program=program, kind=data["kind"], base_url=data["base_url"],
                form_id=data["form_id"], secret=data["secret"], project_id=data["project_id"],
                username=data["username"], instrument_id=data["instrument"], source=source,
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            return redirect("imports:servers")
    context = {"form": form, "program": program, "source": source}
    return render(request, "imports/server_form.html", context)


@require_POST
@login_required
def server_pull_view(request, pk: int):
    source = source_get(user=request.user, pk=pk)
    if not can_pull(user=request.user, program=source.program):
        raise Http404
    run = pull_start(source=source, user=request.user, language=get_language() or "id")
    if run.requested_by_id != request.user.pk and run.state in ACTIVE:
        messages.info(request, _("Someone else is pulling from this server now; try again soon."))
    elif run.state == "done" and run.job_id:
        return redirect("imports:detail", pk=run.job_id)
    elif run.state == "failed":
        messages.error(request, run.message)
    elif run.state == "nothing":
        messages.info(request, run.message)
    else:
        messages.info(request, _("Pulling in the background; this page shows when it is done."))
    return redirect("imports:servers")


@require_POST
@login_required
def server_delete_view(request, pk: int):
    source = source_get(user=request.user, pk=pk)
    if not can_configure(user=request.user, program=source.program):
        raise Http404
    source.delete()
    return redirect("imports:servers")
