"""Long-lived objects are left out of the garbage collector: a run's corpus stages (`long_lived_heap`)
and each local worker process, for its life."""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import sys
import weakref

import pytest

from synoptic.engines.local import _start_worker
from synoptic.machine import long_lived_heap
from synoptic.settings import Settings


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def _cycle() -> weakref.ref[Node]:
    a, b = Node(), Node()
    a.other, b.other = b, a
    return weakref.ref(a)


@pytest.fixture(autouse=True)
def _nothing_frozen() -> None:
    if gc.get_freeze_count():
        pytest.skip("the test process froze objects itself")


def test_the_block_freezes_what_lives_and_unfreezes_after() -> None:
    assert gc.get_freeze_count() == 0
    with long_lived_heap():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


def test_cycles_made_inside_the_block_are_still_collected() -> None:
    with long_lived_heap():
        ref = _cycle()
        gc.collect()
        assert ref() is None


def test_cycles_frozen_by_the_block_are_collected_once_it_ends() -> None:
    ref = _cycle()
    with long_lived_heap():
        gc.collect()
        assert ref() is not None  # frozen: the collector leaves it alone
    gc.collect()
    assert ref() is None


def test_a_callers_own_freeze_is_left_as_it_is() -> None:
    gc.freeze()
    try:
        count = gc.get_freeze_count()
        with long_lived_heap():
            pass
        assert gc.get_freeze_count() == count
    finally:
        gc.unfreeze()


@pytest.mark.skipif(sys.platform == "win32" or "fork" not in mp.get_all_start_methods(), reason="needs fork")
def test_a_local_worker_freezes_what_it_inherits() -> None:
    with mp.get_context("fork").Pool(1, initializer=_start_worker, initargs=((), Settings(), os.getpid(), {})) as pool:
        assert pool.apply(gc.get_freeze_count) > 0
