"""The default pipeline: every built-in stage, in order. Later features add their stage here."""

from __future__ import annotations

from .annotate.lang import language_stage
from .annotate.sentences import sentences_stage
from .pipeline import Pipeline
from .stories.derive import derivations_stage
from .stories.events import events_stage
from .stories.stage import stories_stage


def default_pipeline() -> Pipeline:
    """The full analysis, from language identification to the cited summary."""
    return Pipeline((language_stage, sentences_stage, stories_stage, derivations_stage, events_stage))
