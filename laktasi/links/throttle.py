"""Rate limits for the public answer pages, in Django's cache.

Two budgets: requests per link per minute (a stuck phone re-sending in a loop), and failed
look-ups per address per ten minutes (someone guessing tokens or short codes). Mothers in one
room often share one address (a hotspot, carrier NAT), so successful requests are never
limited per address. The default local-memory cache counts per server process; deployments
with several processes configure a shared cache.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

PREFIX = "laktasi:links:"
FAILURES_PER_WINDOW = 20
FAILURE_WINDOW_SECONDS = 600


def _hit(key: str, window: int) -> int:
    bucket = f"{PREFIX}{key}:{int(time.time() // window)}"
    if cache.add(bucket, 1, timeout=window + 5):
        return 1
    try:
        return cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.add(bucket, 1, timeout=window + 5)
        return 1


def link_request_allowed(token_hash: str) -> bool:
    return _hit(f"link:{token_hash}", 60) <= settings.LAKTASI_LINK_RATE_PER_MINUTE


def failure_count(address: str) -> int:
    bucket = f"{PREFIX}fail:{address}:{int(time.time() // FAILURE_WINDOW_SECONDS)}"
    return cache.get(bucket, 0)


def failures_exceeded(address: str) -> bool:
    return failure_count(address) >= FAILURES_PER_WINDOW


def record_failure(address: str) -> None:
    _hit(f"fail:{address}", FAILURE_WINDOW_SECONDS)
