"""Synoptic: lay the coverage of one news story by many outlets side by side, with evidence.

import synoptic
analysis = synoptic.analyze(["articles/"])
analysis.to_dict()   # the analysis JSON (see docs/contract.md)
"""

from __future__ import annotations

from .api import analyze, analyze_articles
from .errors import SynopticError, UnsupportedLanguageError
from .models import Analysis, Article, Span
from .settings import Settings
from .sources import CrawlSettings, FetchReport, fetch, watch
from .version import __version__

__all__ = [
    "Analysis",
    "Article",
    "CrawlSettings",
    "FetchReport",
    "Settings",
    "Span",
    "SynopticError",
    "UnsupportedLanguageError",
    "__version__",
    "analyze",
    "analyze_articles",
    "fetch",
    "watch",
]
