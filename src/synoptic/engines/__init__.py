"""Execution engines for the per-article stages: local (default) and Ray (distributed), by name.

`ENGINES` maps a name to a factory; a user's engine (any object with the `Engine` methods) is added
with `ENGINES.register("name", factory)` and chosen with `Settings(engine="name")` / `--engine name`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from ..models import Document, Rejection
from ..pipeline import Context, Stage
from ..progress import Progress
from ..registry import Registry


class Engine(Protocol):
    name: str
    #: With a store, annotations are saved every `checkpoint_batches * batch_size` documents, so a killed
    #: run resumes there; an engine with a costly start-up (Ray) takes bigger steps.
    checkpoint_batches: int

    def map_articles(
        self,
        stages: Sequence[Stage],
        docs: Sequence[Document],
        ctx: Context,
        progress: Progress | None = None,
    ) -> tuple[list[Document], list[Rejection]]:
        """Run per-article stages over every document; returns (kept documents, rejections)."""
        ...

    def close(self) -> None:
        """Release what the engine started (worker processes); called once a run's annotation ends."""
        ...


def _local() -> Engine:
    from .local import LocalEngine

    return LocalEngine()


def _ray() -> Engine:
    from .ray import RayEngine  # imports ray itself only when it runs

    return RayEngine()


#: Engine factories by name (each engine module is imported only when its engine is made).
ENGINES: Registry[Callable[[], Engine]] = Registry("engine", lambda: {"local": _local, "ray": _ray})


def get_engine(name: str) -> Engine:
    """A new engine of the kind registered as `name`; SettingsError lists the registered names."""
    return ENGINES.get(name)()
