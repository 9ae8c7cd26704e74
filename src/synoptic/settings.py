"""One object carries every option of a run, so the CLI, the web app and Python callers agree."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, TypeVar

from .errors import SettingsError
from .params import Params, Scalar, apply

P = TypeVar("P", bound=Params)


@dataclass(frozen=True)
class Settings:
    """Options of an analysis run. Limits are reported when hit, never silently applied."""

    max_file_bytes: int = 20 * 1024 * 1024
    max_article_chars: int = 200_000
    min_article_chars: int = 40
    #: Longest title accepted: the longest of PolNeAr's 1066 headlines is 318 characters; a longer
    #: "title" is body text in the wrong field, and titles go whole to the E5 model.
    max_title_chars: int = 1_000
    max_entities_per_article: int = 2_000
    follow_hidden: bool = False
    engine: str = "local"
    #: Articles a worker takes at a time: 64 cut 247 real-news articles into four batches, so one of two
    #: workers could wait for the other; 16 keeps both busy to the end (the gain is within the spread of
    #: this machine's runs: per-article part 7.8 to 8.6 s either way).
    batch_size: int = 16
    #: Processes for per-article stages on the local engine (0: one per CPU); used from
    #: `parallel_min_articles` articles on, below which starting processes costs more than it saves.
    workers: int = 0
    parallel_min_articles: int = 200
    #: Overridden stage parameters, `(section.name, value)` sorted by name, type-checked against their
    #: declarations (`default_pipeline.check_params`); the declared defaults hold for every other parameter.
    params: tuple[tuple[str, Scalar], ...] = ()

    def __post_init__(self) -> None:
        for name in (
            "max_file_bytes",
            "max_article_chars",
            "max_title_chars",
            "max_entities_per_article",
            "batch_size",
        ):
            if getattr(self, name) <= 0:
                raise SettingsError(f"{name} must be positive, got {getattr(self, name)}")
        if self.workers < 0 or self.parallel_min_articles < 0:
            raise SettingsError("workers and parallel_min_articles must not be negative")
        if self.min_article_chars < 0:
            raise SettingsError("min_article_chars must not be negative")
        if not self.engine:
            raise SettingsError("engine must name a registered engine (local, ray)")

    def params_for(self, cls: type[P]) -> P:
        """The parameters of `cls`'s section for this run: its defaults with this run's overrides."""
        return apply(cls, self.params)

    def with_(self, **changes: Any) -> Settings:
        """A copy with some options changed (and validated)."""
        return replace(self, **changes)
