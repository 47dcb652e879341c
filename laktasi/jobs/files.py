"""Files made on the queue for one user: reports, a program's leaflet, QR sheets.

A page that offers such a download calls :func:`file_deliver`. It records a
:class:`GeneratedFile` (owner, kind, ids and choices), queues :func:`generate_file` and waits
up to ``WAIT_SECONDS``: a quick file is sent at once (and its stored copy deleted), a slow
one sends the user to its status page (``/pekerjaan/berkas/<id>/``), which refreshes itself
until the file can be downloaded. Always queued rather than a size threshold: how long a file
takes depends on the server's load, not only on its size, and the wait makes quick files
behave as before.

The task renders the file as its owner (the app's renderer checks what that user may see
again, at run time), stores it encrypted with the field key ring (it may hold names), and the
owner alone can fetch it; the file is deleted once downloaded or after
``LAKTASI_GENERATED_FILE_HOURS``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.dispatch import receiver
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from laktasi.core import crypto
from laktasi.jobs import queue
from laktasi.jobs.models import FileState, GeneratedFile

logger = logging.getLogger(__name__)
WAIT_SECONDS = 3.0
ACTIVE = (FileState.QUEUED, FileState.RUNNING)
MAGIC = b"LAKTASI-ENC-1\n"
Renderer = Callable[..., tuple[str, str, bytes]]
RENDERERS: dict[str, Renderer] = {}

MSG_FAILED = _(
    "The file could not be made because of an error in laktasi (recorded for the "
    "administrator). Tell your administrator what you asked for and the time."
)
MSG_LOST = _("Making the file was interrupted (the server stopped). Ask for it again.")
MSG_DENIED = _("You may no longer see this data, so the file was not made.")


class FileRefused(Exception):
    """A renderer's refusal to make the file, in words for the user (shown on the file's
    page): e.g. too few programs to pool. Not an error of the server, so it is not logged."""


def renderer(kind: str) -> Callable[[Renderer], Renderer]:
    """Register ``fn(*, user, params) -> (file name, content type, bytes)`` for ``kind``."""

    def register(fn: Renderer) -> Renderer:
        RENDERERS[kind] = fn
        return fn

    return register


def file_start(*, user, kind: str, params: dict, language: str) -> GeneratedFile:
    """Record and queue the file; waits briefly so that a quick one is done on return."""
    if kind not in RENDERERS:
        raise ValueError(kind)
    files_purge_expired()
    gf = GeneratedFile.objects.create(owner=user, kind=kind, params=params,
                                      language=(language or "id")[:8])  # fmt: skip
    result = queue.enqueue(generate_file, gf.pk)
    task_id = queue.stored_id(result)
    if task_id:
        GeneratedFile.objects.filter(pk=gf.pk, state__in=ACTIVE).update(task_id=task_id)
        queue.wait_while(
            GeneratedFile.objects.filter(pk=gf.pk, state__in=ACTIVE).exists, WAIT_SECONDS
        )
    gf.refresh_from_db()
    return gf


def file_deliver(request, *, kind: str, params: dict) -> HttpResponse:
    """The view's answer: the file itself when it is ready now, else its status page."""
    gf = file_start(user=request.user, kind=kind, params=params,
                    language=translation.get_language() or "id")  # fmt: skip
    if gf.state == FileState.DONE:
        return file_response(gf)
    return redirect("jobs:file", pk=gf.pk)


def file_get(*, user, pk) -> GeneratedFile:
    """The user's own file (anyone else's is a 404, as if it did not exist)."""
    gf = GeneratedFile.objects.filter(pk=pk, owner=user).first() if str(pk).isdigit() else None
    if gf is None:
        raise Http404("no such file")
    return gf


def file_state(gf: GeneratedFile) -> str:
    """The file's state; a waiting or running one whose task ended without it was lost."""
    if gf.state in ACTIVE and queue.task_state(gf.task_id) in (queue.FAILED, queue.DONE):
        with translation.override(gf.language):
            _finish(gf.pk, FileState.FAILED, str(MSG_LOST))
        gf.refresh_from_db()
    return gf.state


def file_response(gf: GeneratedFile) -> HttpResponse:
    """Send the decrypted file as an attachment, then delete the stored copy."""
    if gf.state != FileState.DONE or not gf.file:
        raise Http404("the file is not there (already downloaded or expired)")
    with gf.file.open("rb") as handle:
        stored = handle.read()
    content = crypto.keyring().decrypt(stored[len(MAGIC) :])
    file_discard(gf)
    response = HttpResponse(content, content_type=gf.content_type)
    response["Content-Disposition"] = content_disposition_header(True, gf.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def file_discard(gf: GeneratedFile) -> None:
    if gf.file:
        gf.file.storage.delete(gf.file.name)
    GeneratedFile.objects.filter(pk=gf.pk).update(file="")
    gf.file = ""


def files_purge_expired(*, now=None) -> int:
    """Delete files older than ``LAKTASI_GENERATED_FILE_HOURS``; returns how many."""
    hours = getattr(settings, "LAKTASI_GENERATED_FILE_HOURS", 24)
    cutoff = (now or timezone.now()) - timedelta(hours=hours)
    old = GeneratedFile.objects.filter(created_at__lt=cutoff)
    for gf in old.exclude(file=""):
        file_discard(gf)
    return old.delete()[0]


@task()
def generate_file(file_id: int) -> dict:
    """Make one :class:`GeneratedFile` as its owner and store it encrypted."""
    gf = GeneratedFile.objects.select_related("owner").filter(pk=file_id).first()
    if gf is None or gf.state != FileState.QUEUED:
        return {"skipped": True}
    GeneratedFile.objects.filter(pk=gf.pk).update(state=FileState.RUNNING)
    with translation.override(gf.language):
        try:
            name, content_type, content = RENDERERS[gf.kind](user=gf.owner, params=gf.params)
        except (PermissionDenied, Http404):
            _finish(gf.pk, FileState.FAILED, str(MSG_DENIED))
            return {"state": "denied"}
        except FileRefused as exc:
            _finish(gf.pk, FileState.FAILED, str(exc))
            return {"state": "refused"}
        except Exception:
            logger.exception("generated file %s (%s) failed", gf.pk, gf.kind)
            _finish(gf.pk, FileState.FAILED, str(MSG_FAILED))
            raise
    gf.file.save(f"{gf.token}.bin", ContentFile(MAGIC + crypto.keyring().encrypt(content)),
                 save=False)  # fmt: skip
    GeneratedFile.objects.filter(pk=gf.pk).update(
        file=gf.file.name, file_name=name[:255], content_type=content_type[:100]
    )
    _finish(gf.pk, FileState.DONE, "")
    return {"state": "done", "bytes": len(content)}


def _finish(pk: int, state: str, message: str) -> None:
    GeneratedFile.objects.filter(pk=pk, state__in=ACTIVE).update(
        state=state, message=message, finished_at=timezone.now()
    )


@receiver(queue.task_lost)
def _on_task_lost(sender, result, **kwargs) -> None:
    for gf in GeneratedFile.objects.filter(task_id=result.id, state__in=ACTIVE):
        with translation.override(gf.language):
            _finish(gf.pk, FileState.FAILED, str(MSG_LOST))
