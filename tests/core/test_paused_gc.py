"""The garbage-collector pause used around imports always restores the collector."""

from __future__ import annotations

import gc
import threading

import pytest

from laktasi.core.batch import paused_gc


def test_pause_nests_and_restores():
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer batch is still running
    assert gc.isenabled()


def test_collector_is_restored_after_an_error():
    with pytest.raises(RuntimeError), paused_gc():
        raise RuntimeError("import failed")
    assert gc.isenabled()


def test_a_collector_disabled_before_stays_disabled():
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_concurrent_batches_reenable_only_when_the_last_leaves():
    inside, release = threading.Event(), threading.Event()

    def other_batch():
        with paused_gc():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=other_batch)
    thread.start()
    inside.wait(5)
    with paused_gc():
        pass
    assert not gc.isenabled()  # the other thread's batch still runs
    release.set()
    thread.join(5)
    assert gc.isenabled()
