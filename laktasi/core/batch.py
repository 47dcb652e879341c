"""Helpers for long batch jobs (imports) that run inside a web or CLI process."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = True


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a batch builds many objects.

    An import of 100,000 rows allocates millions of small containers that all stay alive
    until the job ends, so every automatic full collection rescans them for nothing (it
    made imports superlinear). Reference counting still frees everything as usual; cyclic
    garbage waits for the collector, which runs again when the last batch leaves.
    Nesting and concurrent batches (web threads) are counted, so only the last one out
    re-enables a collector that was enabled before.
    """
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
