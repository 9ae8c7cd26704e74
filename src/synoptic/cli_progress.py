"""Progress bars of the command line (rich), shared by `synoptic analyze` and the source commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)


class RichProgress:
    """Progress bars on stderr for interactive and logged runs."""

    def __init__(self, console: Console) -> None:
        self._bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.description:<14}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self._task: Any = None
        self._bar.start()

    def phase(self, name: str, total: int | None) -> None:
        self._finish_current()
        self._task = self._bar.add_task(name, total=total)

    def beside(self, name: str) -> Callable[[], None]:
        """A bar of its own whose clock runs until the returned function is called."""
        task = self._bar.add_task(name, total=1)
        return lambda: self._bar.update(task, completed=1)

    def advance(self, n: int = 1) -> None:
        if self._task is not None:
            self._bar.advance(self._task, n)

    def done(self) -> None:
        self._finish_current()
        self._bar.stop()

    def _finish_current(self) -> None:
        """Mark the current phase complete at the count it reached (1 of 1 when it counts nothing)."""
        if self._task is not None:
            reached = next(t for t in self._bar.tasks if t.id == self._task).completed or 1
            self._bar.update(self._task, total=reached, completed=reached)
