"""One access-log line per request: client address, method, route, status and duration.

waitress writes no access log, and behind a reverse proxy its peer is always the proxy: this
line names the client as laktasi sees it (:func:`laktasi.accounts.client_ip.client_ip`, the
address the login lockout uses), so an operator can check the trusted-proxy settings.

The URL is logged as its **route pattern** (``ibu/<int:pk>/``), never the path: paths carry
record ids and the secret tokens of answer links, query strings carry search terms.
"""

from __future__ import annotations

import logging
import time

from laktasi.accounts.client_ip import client_ip

logger = logging.getLogger("laktasi.access")


class AccessLogMiddleware:
    """Logs at INFO on the ``laktasi.access`` logger (``LAKTASI_ACCESS_LOG``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = "/" + match.route if match is not None else "-"  # "-": no view matched
        milliseconds = round((time.monotonic() - started) * 1000)
        client = client_ip(request) or "-"
        logger.info(
            '%s "%s %s" %s %sms',
            client,
            request.method,
            route,
            response.status_code,
            milliseconds,
            extra={
                "client": client,
                "method": request.method,
                "route": route,
                "status": response.status_code,
                "ms": milliseconds,
            },
        )
        return response
