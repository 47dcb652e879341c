"""A per-user limit on heavy work running at once (report generations; imports count their
running jobs in the database instead, see ``laktasi.imports.background``).

One user starting many reports or imports at once would occupy every server thread. The
count is kept in Django's cache, shared by the threads of one process; a deployment with
several server processes that wants one count across them configures a shared cache (as for
the double-submission guard, docs/decisions/0002).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

SLOT_SECONDS = 3600  # a counter left by a crashed request disappears after an hour
MSG_BUSY = _(
    "You already have %(n)s imports or reports in progress. Wait until one is finished, "
    "then try again."
)


class TooManyJobs(Exception):
    """The user already runs the maximum number of heavy jobs."""


@contextlib.contextmanager
def job_slot(*, user, kind: str) -> Iterator[None]:
    """Hold one of the user's ``MAX_CONCURRENT_JOBS`` slots for ``kind`` while inside."""
    key = f"laktasi:running:{kind}:{user.pk}"
    cache.add(key, 0, timeout=SLOT_SECONDS)
    try:
        running = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=SLOT_SECONDS)
        running = 1
    try:
        if running > settings.MAX_CONCURRENT_JOBS:
            raise TooManyJobs(kind)
        yield
    finally:
        with contextlib.suppress(ValueError):
            cache.decr(key)


def busy_response(request):
    """The page that says the user must wait (429 Too Many Requests)."""
    message = MSG_BUSY % {"n": settings.MAX_CONCURRENT_JOBS}
    return render(request, "core/busy.html", {"message": message}, status=429)


def limit_concurrent(kind: str, *, when: Callable = lambda request: True):
    """View decorator: at most ``MAX_CONCURRENT_JOBS`` requests of ``kind`` per user at once
    (only requests for which ``when(request)`` is true count)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not when(request) or not request.user.is_authenticated:
                return view(request, *args, **kwargs)
            try:
                with job_slot(user=request.user, kind=kind):
                    return view(request, *args, **kwargs)
            except TooManyJobs:
                return busy_response(request)

        return wrapped

    return decorator
