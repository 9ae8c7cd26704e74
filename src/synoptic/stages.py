"""The default pipeline: every built-in stage, in order. Later features add their stage here."""

from __future__ import annotations

from .annotate.lang import language_stage
from .annotate.quotes import quotes_stage
from .annotate.sentences import sentences_stage
from .compare.quote_groups import quote_groups_stage
from .pipeline import Pipeline


def default_pipeline() -> Pipeline:
    """The full analysis, from language identification to the cited summary."""
    return Pipeline((language_stage, sentences_stage, quotes_stage, quote_groups_stage))
