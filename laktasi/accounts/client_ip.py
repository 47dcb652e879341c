"""The client's address for the login lockout, and what lockout warnings say about a client.

Behind a reverse proxy every request comes from the proxy's address, so a lockout keyed on
it would let anyone lock any username out for everyone. The address is therefore read from
``X-Forwarded-For`` *only* when the direct peer (``REMOTE_ADDR``) is one of
``LAKTASI_TRUSTED_PROXIES``, taking the right-most entry that is not itself a trusted proxy
(the left part of the header is whatever the client sent, and is never trusted). From any
other peer the header is ignored.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _networks(tuple(settings.TRUSTED_PROXIES)))


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_ip(request) -> str | None:
    """The client's address (``AXES_CLIENT_IP_CALLABLE``)."""
    peer = request.META.get("REMOTE_ADDR", "") or ""
    if not _trusted(peer):
        return peer or None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [h.strip() for h in forwarded.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _valid(hop):
            break  # a malformed entry: nothing to its left can be trusted
        if not _trusted(hop):
            return hop
    return peer


def client_str(username, ip_address, user_agent, path_info, request) -> str:  # noqa: ARG001
    """How lockout warnings name a client: the address and a keyed hash of the username,
    never the username itself (``AXES_CLIENT_STR_CALLABLE``)."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), (username or "").encode(), hashlib.sha256
    ).hexdigest()[:12]
    return f"{{user: {digest}, ip_address: {ip_address}}}"
