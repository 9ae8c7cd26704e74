"""Name -> item registries for what a user may add or swap: stages, engines, clusterers.

A registry starts empty and fills itself with the built-in items on first use (`builtins` runs then,
never at import), so registering a user's item costs nothing and importing Synoptic loads nothing.
Looking up an unknown name raises SettingsError listing the closest registered names.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Generic, TypeVar

from .errors import SettingsError

T = TypeVar("T")


class Registry(Generic[T]):
    """Items of one kind by name; built-ins come from `builtins()` on first use."""

    def __init__(self, kind: str, builtins: Callable[[], dict[str, T]]) -> None:
        self.kind = kind
        self._builtins = builtins
        self._items: dict[str, T] | None = None

    def _all(self) -> dict[str, T]:
        if self._items is None:
            self._items = dict(self._builtins())
        return self._items

    def register(self, name: str, item: T, *, replace: bool = False) -> T:
        """Add `item` under `name`; a name already taken needs `replace=True` (to swap a built-in)."""
        items = self._all()
        if name in items and not replace:
            raise SettingsError(f"a {self.kind} named {name!r} is already registered (pass replace=True to swap it)")
        items[name] = item
        return item

    def unregister(self, name: str) -> None:
        """Remove the item named `name` (a test's or plug-in's clean-up); built-ins come back on `reset`."""
        self._all().pop(name, None)

    def reset(self) -> None:
        """Forget registered items: the next use sees the built-ins only."""
        self._items = None

    def get(self, name: str) -> T:
        """The item named `name`; an unknown name raises SettingsError with the closest names."""
        items = self._all()
        if name in items:
            return items[name]
        close = difflib.get_close_matches(name, list(items), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise SettingsError(f"unknown {self.kind} {name!r}{hint} ({self.kind}s: {', '.join(sorted(items))})")

    def names(self) -> list[str]:
        return list(self._all())

    def __contains__(self, name: object) -> bool:
        return name in self._all()
