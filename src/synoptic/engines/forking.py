"""What the engines' forked processes share: a child forked to run one function, its reply (the
pickled result or error) through a pipe, read whole by the parent, and the end of a child that takes
too long."""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import time
import traceback
from collections.abc import Callable, Sequence
from typing import NoReturn

_CHUNK = 1 << 20  # bytes read from a child's pipe at a time


def can_fork() -> bool:
    """Whether this platform forks processes (not Windows)."""
    return hasattr(os, "fork")


def read_until(fd: int, deadline: float) -> bytes | None:
    """Everything written to the pipe `fd` until its writer closes it (the pipe is then closed here),
    or None when the `time.monotonic()` deadline passes first."""
    chunks: list[bytes] = []
    with os.fdopen(fd, "rb", buffering=0) as pipe:
        while True:
            ready, _, _ = select.select([pipe], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                return None
            chunk = pipe.read(_CHUNK)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def end_child(pid: int) -> None:
    """Kill a forked child and reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def start_child(work: Callable[[], object], parent_only: Sequence[int] = ()) -> tuple[int, int]:
    """Fork a child that runs `work` and replies (`reply_and_exit`): its pid and the pipe its reply
    comes through (`child_reply`). `parent_only`: descriptors the child closes at once (the parent's
    ends of other pipes). OSError when no process can be forked."""
    read, write = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        raise
    if pid == 0:  # the child: never returns
        os.close(read)
        for fd in parent_only:
            os.close(fd)
        reply_and_exit(write, work)
    os.close(write)
    return pid, read


def reply_and_exit(fd: int, work: Callable[[], object]) -> NoReturn:
    """In a forked child: `work()`'s value (or its error) pickled to the pipe `fd`, then an immediate
    exit, with no cleanup of the parent's copied objects (its store connection, its worker pool)."""
    try:
        try:
            data = pickle.dumps(("done", work()), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:
            data = pickle.dumps(("failed", traceback.format_exc()))
        with os.fdopen(fd, "wb") as f:
            f.write(data)
    finally:
        os._exit(0)


def child_reply(pid: int, fd: int, deadline: float) -> tuple[str, object]:
    """What a child forked with `reply_and_exit` sent, once it is reaped: ("done", value), ("failed",
    its error as text) or ("late", None) when it sent nothing by the deadline (then it is ended)."""
    data = read_until(fd, deadline)
    if data is None:
        end_child(pid)
        return "late", None
    os.waitpid(pid, 0)
    try:
        kind, value = pickle.loads(data)
    except Exception as exc:  # it died before sending all (killed, out of memory)
        return "failed", f"no result ({type(exc).__name__}: {exc})"
    return str(kind), value
