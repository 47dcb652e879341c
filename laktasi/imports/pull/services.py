"""Writes for pulls: keep a program's server, pull its submissions into an import job.

A pull fetches every submission (:mod:`.clients`), converts them (:mod:`.convert`) and keeps
them as a CSV file of an ordinary import job, with a :class:`PulledImport` beside it; the job
is then previewed and committed like an uploaded file (all-or-nothing, idempotent by the
submissions' stable identities). When the server cannot be read nothing is written at all.
"""

from __future__ import annotations

import tempfile
import urllib.parse
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laktasi.accounts.models import User
from laktasi.imports.models import ImportJob, ImportKind
from laktasi.imports.pull.clients import fetch_submissions
from laktasi.imports.pull.convert import convert
from laktasi.imports.pull.models import PulledImport, ServerKind, ServerSource
from laktasi.imports.pull.selectors import can_configure, can_pull
from laktasi.imports.services import importjob_create
from laktasi.programs.models import Program

MSG_HTTPS = _(
    "The address must start with https:// (the token must not travel unencrypted); http:// "
    "is accepted only for a server on this computer."
)
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def secure_address(url: str) -> bool:
    """https, or http to this computer only (a token never crosses a network in clear)."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme == "https":
        return bool(parts.hostname)
    return parts.scheme == "http" and parts.hostname in LOCAL_HOSTS


MSG_NOTHING = _("%(server)s has no submissions for this form yet; nothing to import.")


def source_save(
    *,
    user: User | None,
    program: Program,
    kind: str,
    base_url: str,
    form_id: str,
    secret: str = "",
    project_id: str = "",
    username: str = "",
    instrument_id: str = "",
    source: ServerSource | None = None,
) -> ServerSource:
    """Create or change a program's server. An empty ``secret`` keeps the stored one."""
    if user is not None and not can_configure(user=user, program=program):
        raise PermissionDenied("this account cannot set up data servers for this program")
    if not secure_address(base_url):
        raise ValidationError({"base_url": MSG_HTTPS})
    source = source or ServerSource(program=program, created_by=user)
    source.program, source.kind, source.base_url = program, kind, base_url.strip().rstrip("/")
    source.form_id, source.project_id = form_id.strip(), project_id.strip()
    source.username, source.instrument_id = username.strip(), instrument_id
    if secret:
        source.secret = secret.strip()
    if not source.secret:
        raise ValidationError({"secret": _("Give the token (or the password for ODK Central).")})
    if kind == ServerKind.ODK and not (source.project_id and source.username):
        raise ValidationError(_("ODK Central needs the project id and the user's email."))
    source.full_clean()
    source.save()
    return source


def source_pull(*, source: ServerSource, user: User | None) -> ImportJob | None:
    """Fetch the form's submissions into a new import job (not yet previewed).

    Returns None when the server has no submission to import; raises
    :class:`~laktasi.imports.pull.clients.PullError` (clear, translated, naming the server)
    when it cannot be read — nothing is written then.
    """
    if user is not None and not can_pull(user=user, program=source.program):
        raise PermissionDenied("this account cannot pull data for this program")
    submissions = fetch_submissions(source)
    converted = convert(source.kind, submissions)
    if not converted.rows and not converted.not_approved:
        raise ValidationError(MSG_NOTHING % {"server": source.host})
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    with tempfile.TemporaryDirectory() as tmp, transaction.atomic():
        path = converted.write_csv(Path(tmp) / "pull.csv")
        job = importjob_create(
            path=path,
            file_name=f"{source.kind}-{source.form_id[:60]}-{stamp}.csv",
            user=user,
            kind=ImportKind.RESPONSES,
            program=source.program,
            instrument_id=source.instrument_id,
        )
        PulledImport.objects.create(
            job=job, source=source, not_approved=converted.not_approved, edited=converted.edited
        )
        ServerSource.objects.filter(pk=source.pk).update(last_pulled_at=timezone.now())
    return job
