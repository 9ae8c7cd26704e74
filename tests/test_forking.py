"""A forked child's reply (`engines.forking`): its value, its error, nothing in time, or a death."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import pytest

from synoptic.engines.forking import child_reply, reply_and_exit


def _value() -> object:
    return {"vectors": [1, 2, 3]}


def _error() -> object:
    raise ValueError("broken child")


def _slow() -> object:
    time.sleep(60)
    return None


def _death() -> object:
    os._exit(3)


def _fork(work: Callable[[], object]) -> tuple[int, int]:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        reply_and_exit(write, work)
    os.close(write)
    return pid, read


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
    pid, fd = _fork(work)
    started = time.monotonic()
    got, value = child_reply(pid, fd, time.monotonic() + 1.0)
    assert got == kind
    assert says in str(value)
    assert time.monotonic() - started < 10
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped
