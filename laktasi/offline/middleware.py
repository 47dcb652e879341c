"""Marks each page with the cache id of the user it was rendered for.

The service worker refreshes a cached page only when the response carries the id of the cache
it would go into, so a page rendered for one user never lands in another user's cache.
"""

from laktasi.offline.identity import cache_id, offline_enabled

HEADER = "X-Laktasi-Cache"


class OfflineCacheHeaderMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if offline_enabled(getattr(request, "user", None)):
            response[HEADER] = cache_id(request.user)
            # Pages of one user must never be shared by an HTTP cache between users.
            response.setdefault("Cache-Control", "private, no-cache")
        return response
