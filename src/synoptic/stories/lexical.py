"""Lexical similarity of two articles over their full text: IDF-weighted cosine of folded content terms.

E5 on title + lead tells what kind of event an article reports; two real events of the same kind
(two earthquakes, two CEO resignations) are told apart by the specifics further down: names,
places, numbers, dates. Terms are folded the same way in every language (anyascii, lower case),
tokens shorter than three characters are dropped unless they hold a digit, and frequent words
(stopwords in any language) weigh almost nothing through their inverse document frequency. The
document frequencies are counted incrementally as articles arrive, so the weights follow the
stream without any per-language list. Across languages the terms barely overlap, so the score is
only informative for two articles in the same language (`cluster.pair_logits` handles the rest).

An article's name keys (`features.Signals.keys`, language-independent) are counted among its terms
with a `NAME_MARK` prefix, so their document frequencies are kept (and stored) with the others:
`names=True` weighs only those, an IDF cosine of shared names that works across languages and
tells a rare shared name (a victim, a village) from a common one (the capital both events happened
in). The lexical score leaves them out.
"""

from __future__ import annotations

import math
import operator
import re
from collections import Counter
from collections.abc import Iterable, Mapping

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
MAX_TERMS = 400  # per article, the most frequent: bounds memory and comparison cost
NAME_MARK = "#"  # prefix of name-key terms; content terms are letters and digits only, so never start with it


def content_terms(text: str) -> dict[str, int]:
    """Counts of an article's folded content terms (the `MAX_TERMS` most frequent)."""
    from anyascii import anyascii

    counts: Counter[str] = Counter()
    for m in _TOKEN.finditer(text):
        term = anyascii(m.group(0)).lower()
        if len(term) >= 3 or any(ch.isdigit() for ch in term):
            counts[term] += 1
    return dict(counts.most_common(MAX_TERMS))


def name_terms(keys: Iterable[str]) -> dict[str, int]:
    """An article's name keys as terms (counted once each)."""
    return {NAME_MARK + k: 1 for k in keys}


class TermFrequencies:
    """Document frequencies of terms over the articles seen so far, and the IDF cosine they give."""

    def __init__(self) -> None:
        self.documents = 0
        self.df: Counter[str] = Counter()
        self._weights: dict[tuple[str, bool], dict[str, float]] = {}  # valid until the next `observe`

    def observe(self, terms: Iterable[Mapping[str, int]]) -> None:
        """Count the terms of newly seen articles (each article once)."""
        self._weights = {}
        for t in terms:
            self.documents += 1
            self.df.update(t.keys())

    def weights_of(self, article_id: str, terms: Mapping[str, int], names: bool = False) -> dict[str, float]:
        """`weights`, remembered per article while the frequencies do not change."""
        found = self._weights.get((article_id, names))
        if found is None:
            found = self._weights[(article_id, names)] = self.weights(terms, names)
        return found

    def weights(self, terms: Mapping[str, int], names: bool = False) -> dict[str, float]:
        """Unit-length sublinear TF-IDF weights of one article's content terms (or, with `names`,
        of its name keys only)."""
        n = self.documents + 1
        raw = {
            w: (1.0 + math.log(c)) * math.log(n / (self.df[w] + 1))
            for w, c in terms.items()
            if w.startswith(NAME_MARK) == names
        }
        raw = {w: x for w, x in raw.items() if x > 0}
        norm = math.sqrt(sum(x * x for x in raw.values()))
        return {w: x / norm for w, x in raw.items()} if norm else {}


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Dot product of two sparse unit vectors (the shared terms' products summed in the order of the
    smaller one: its other terms would add zeros; the pairs of a run's articles make this the
    clustering's most frequent sum)."""
    if len(a) > len(b):
        a, b = b, a
    shared = list(filter(b.__contains__, a))
    return sum(map(operator.mul, map(a.__getitem__, shared), map(b.__getitem__, shared)), 0.0)
