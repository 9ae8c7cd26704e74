"""Progress reporting protocol: the library reports phases and counts, the CLI draws bars."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def phase(self, name: str, total: int | None) -> None:
        """A new phase starts (`total` items, or unknown)."""

    def advance(self, n: int = 1) -> None:
        """`n` more items of the current phase are done."""

    def done(self) -> None:
        """The run is over."""


class NullProgress:
    """Reports nothing: the library default and `--quiet`."""

    def phase(self, name: str, total: int | None) -> None:
        return None

    def advance(self, n: int = 1) -> None:
        return None

    def done(self) -> None:
        return None
