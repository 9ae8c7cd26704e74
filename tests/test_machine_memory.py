"""`machine.release_free_memory`: freed heap memory leaves the resident size when it is called."""

from __future__ import annotations

import platform
import resource
from pathlib import Path

import pytest

from synoptic.machine import release_free_memory

MB = 1_000_000


def _resident() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * resource.getpagesize()


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_release_free_memory_returns_freed_heap_blocks() -> None:
    # Blocks below glibc's mmap threshold live on the heap; one kept after them pins the heap's top,
    # so glibc's own trimming on free cannot give them back: only malloc_trim can.
    blocks = [bytearray(b"x" * 60_000) for _ in range(2_000)]
    pin = bytearray(b"x" * 60_000)
    del blocks
    before = _resident()
    release_free_memory()
    assert before - _resident() > 60 * MB
    assert len(pin) == 60_000
