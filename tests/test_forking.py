"""A forked child's reply (`engines.forking`): its value, its error, nothing in time, or a death."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import pytest

from synoptic.engines.forking import child_reply, start_child


def _value() -> object:
    return {"vectors": [1, 2, 3]}


def _error() -> object:
    raise ValueError("broken child")


def _slow() -> object:
    time.sleep(60)
    return None


def _death() -> object:
    os._exit(3)


@pytest.mark.parametrize(
    ("work", "kind", "says"),
    [
        (_value, "done", "{'vectors': [1, 2, 3]}"),
        (_error, "failed", "ValueError: broken child"),
        (_slow, "late", "None"),
        (_death, "failed", "no result (EOFError"),
    ],
    ids=["value", "error", "nothing in time", "died"],
)
def test_child_reply(work: Callable[[], object], kind: str, says: str) -> None:
    pid, fd = start_child(work)
    started = time.monotonic()
    got, value = child_reply(pid, fd, time.monotonic() + 1.0)
    assert got == kind
    assert says in str(value)
    assert time.monotonic() - started < 10
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped
