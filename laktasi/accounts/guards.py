"""View guards built on the one access policy (accounts/policy.py): pages call these, never
a role check of their own."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from laktasi.accounts import policy


def require_personal_access(request: HttpRequest) -> None:
    """Viewers see aggregates only: every page with names is a 404 for them."""
    if not policy.sees_personal_data(request.user):
        raise Http404
