"""Facts about the machine a run uses, shared by the layers that size their work by it."""

from __future__ import annotations

import os


def usable_cpus() -> int:
    """CPUs this process may use (E5 encodes one chunk of texts per CPU at once; the local engine
    starts one worker process per CPU)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)
