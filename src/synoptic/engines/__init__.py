"""Execution engines for the per-article stages: local (default) and Ray (distributed)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from ..errors import SettingsError
from ..models import Document, Rejection
from ..pipeline import Context, Stage
from ..progress import Progress


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


def get_engine(name: str) -> Engine:
    """The engine called `name` ('local' or 'ray')."""
    if name == "local":
        from .local import LocalEngine

        return LocalEngine()
    if name == "ray":
        from .ray import RayEngine  # imports ray itself only when it runs

        return RayEngine()
    raise SettingsError(f"unknown engine {name!r}; engines: local, ray")
