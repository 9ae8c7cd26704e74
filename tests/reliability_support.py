"""Helpers of the reliability tests and benchmark: adversarial article texts and their cost.

Not a test module of its own. Every text generator makes exactly `n` characters, so that the time of
the per-article stages on it can be compared with a plain article of the same length.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from synoptic.default_pipeline import default_pipeline
from synoptic.models import Article, Document, Published
from synoptic.pipeline import Context, run_article_stages

_PROSE = (
    "the council in Hamburg approved a new budget for schools after a long debate on Monday while "
    "residents of the harbour district asked for more buses and a safer crossing near the station"
)
_WORDS = tuple(_PROSE.split(" "))


def _cut(text: str, n: int) -> str:
    return (text * (n // max(1, len(text)) + 1))[:n]


def plain_text(n: int) -> str:
    """Ordinary news prose: varied sentences of 14 words."""
    sentences, i = [], 0
    while sum(len(s) + 1 for s in sentences) < n:
        words = [_WORDS[(i * 5 + k) % len(_WORDS)] for k in range(14)]
        sentences.append(f"Report {i}: " + " ".join(words).capitalize() + ".")
        i += 1
    return " ".join(sentences)[:n]


ADVERSARIAL: dict[str, Callable[[int], str]] = {
    # One sentence with a speech cue every 40 characters (the quadratic case of issue 13).
    "cues in one sentence": lambda n: _cut("He said officials said the bridge would open and ", n),
    # An opened quotation that never closes, full of cues.
    "unclosed quote": lambda n: 'The mayor said "' + _cut("the mayor said that the bridge would open and ", n - 16),
    # The same sentence again and again.
    "repetition": lambda n: _cut("The mayor of Hamburg said the bridge would open on Monday. ", n),
    # Quotation marks everywhere, alternating styles.
    "quote marks": lambda n: _cut('"Yes," he said. „Nein“, sagte sie. «Non», dit-il. ', n),
    # No punctuation at all: one endless sentence of names.
    "names without stops": lambda n: _cut("Angela Merkel Olaf Scholz Hamburg Berlin Paris ", n),
}


def _document(text: str) -> Document:
    article = Article("x", "x.txt", "en", None, None, (), Published(), text)
    return Document(article=article)


def stage_seconds(text: str, ctx: Context | None = None, repeats: int = 2) -> float:
    """Seconds the default per-article stages take on `text` (the best of `repeats` runs)."""
    stages = default_pipeline().article_stages
    ctx = ctx or Context()
    run_article_stages(stages, [_document("Warm-up text for the models, said the mayor of Hamburg.")], ctx)
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        run_article_stages(stages, [_document(text)], ctx)
        best = min(best, time.perf_counter() - started)
    return best
