"""Middleware shared by every page."""

from __future__ import annotations

from django.http import HttpRequest

ORIGINAL_ACCEPT_LANGUAGE = "LAKTASI_ACCEPT_LANGUAGE"


class IndonesianFirstMiddleware:
    """Ignore the browser's Accept-Language so the interface opens in Indonesian.

    Phones in Indonesia are often set to English; the language switch (a cookie) is the one
    way to change the interface language. Placed before Django's LocaleMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        header = request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        if header is not None:  # the API answers its problem details in the client's language
            request.META[ORIGINAL_ACCEPT_LANGUAGE] = header
        return self.get_response(request)
