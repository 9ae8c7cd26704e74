"""Facts about the machine a run uses, shared by the layers that size their work by it."""

from __future__ import annotations

import ctypes
import os


def usable_cpus() -> int:
    """CPUs this process may use (E5 encodes one chunk of texts per CPU at once; the local engine
    starts one worker process per CPU)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def release_free_memory() -> None:
    """Hand memory the process has freed back to the system (glibc's `malloc_trim`; elsewhere
    nothing). A large run frees a whole copy of its documents after every stage that rewrites them;
    glibc keeps such freed blocks mapped, so without this they would stay in the resident size."""
    try:
        libc = ctypes.CDLL(None)
        trim = libc.malloc_trim
    except (OSError, AttributeError, TypeError):  # not glibc (TypeError: Windows has no process handle)
        return
    trim(0)
