"""Progress reporting protocol: the library reports phases and counts, the CLI draws bars."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


def _nothing() -> None:
    return None


class Progress(Protocol):
    def phase(self, name: str, total: int | None) -> None:
        """A new phase starts (`total` items, or unknown)."""

    def beside(self, name: str) -> Callable[[], None]:
        """A phase starts that runs beside the next ones (a stage in a forked process); the function
        returned is called when it ends, so that its time is its own, not the next phase's."""

    def advance(self, n: int = 1) -> None:
        """`n` more items of the current phase are done."""

    def done(self) -> None:
        """The run is over."""


class NullProgress:
    """Reports nothing: the library default and `--quiet`."""

    def phase(self, name: str, total: int | None) -> None:
        return None

    def beside(self, name: str) -> Callable[[], None]:
        return _nothing

    def advance(self, n: int = 1) -> None:
        return None

    def done(self) -> None:
        return None
