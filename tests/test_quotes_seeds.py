"""The real seed articles: the quotes of Ryabkov, Peskov, Sullivan, Stoltenberg, Lavrov, Lukashevich,
Rau, Díaz-Canel and the Kremlin are found with their speakers (reads ../shared/seeds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SHARED
from synoptic.annotate.quotes import extract_quotes
from synoptic.annotate.sentences import split_sentences
from synoptic.models import Analysis, QuoteMention

SEEDS = SHARED / "seeds"
pytestmark = [
    pytest.mark.seeds,
    pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is absent"),
]

# (seed prefix, language, words inside the quote, spellings of the speaker)
EXPECTED = [
    ("000", "en", "it all depends upon the action of our U.S. counterparts", ("Ryabkov",)),
    ("000", "en", "You know, it might come to that", ("Ryabkov",)),
    ("000", "en", "if Russia moves in this direction", ("Sullivan",)),
    ("000", "en", "take all necessary steps to defend", ("Stoltenberg",)),
    ("000", "en", "cordial and fruitful", ("Díaz-Canel",)),
    ("001", "en", "You know that relations between Russia and Cuba", ("Peskov",)),
    ("001", "en", "issues of further coordination of the actions", ("Kremlin",)),
    ("001", "en", "the intention to work closely together", ("Kremlin",)),
    ("002", "de", "Ich möchte das nicht bestätigen", ("Ryabkov", "Rjabkow")),
    ("002", "de", "Freundlich und fruchtbar", ("Diaz-Canel",)),
    ("002", "de", "konzentrierte sich auf die fortgesetzte Koordinierung", ("Kreml",)),
    ("002", "de", "Russland die Idee in den laufenden Diskussionen", ("Sullivan",)),
    ("003", "en", "Depends on the actions of our American colleagues", ("Ryabkov",)),
    ("003", "en", "I am always a supporter of dialogue", ("Ryabkov",)),
    ("003", "en", "really disappointing", ("Lukashevic",)),
    ("003", "en", "We still hope that the promises made in Geneva", ("Lavrov",)),
    ("004", "en", "it all relies on the conduct of our US colleagues", ("Ryabkov",)),
    ("004", "en", "The talks were launched to obtain precise answers", ("Peskov",)),
    ("004", "en", "It’s impossible for NATO to tell us", ("Peskov",)),
    ("004", "en", "the risk of war in the OSCE area", ("Rau",)),
    ("004", "en", "For several weeks, we have been faced", ("Rau",)),
]


def _quotes(prefix: str, lang: str) -> tuple[str, tuple[QuoteMention, ...]]:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    text = path.read_text(encoding="utf-8")
    return text, extract_quotes(text, lang, split_sentences(text, lang))


@pytest.mark.parametrize(("prefix", "lang", "words", "speakers"), EXPECTED)
def test_quotes_seeds_found_with_speaker(prefix: str, lang: str, words: str, speakers: tuple[str, ...]) -> None:
    text, found = _quotes(prefix, lang)
    match = [q for q in found if words in q.text]
    assert match, f"no quote containing {words!r}"
    assert any(q.speaker_text and any(s in q.speaker_text for s in speakers) for q in match), [
        q.speaker_text for q in match
    ]
    for q in found:
        assert text[q.start : q.end] == q.text


def test_quotes_seeds_scare_quote_left_out() -> None:
    _text, found = _quotes("002", "de")
    assert not any(q.text == "strategischen Partnerschaft" for q in found)


@pytest.fixture(scope="module")
def with_mentions(seeds_analysis: Analysis) -> dict[str, tuple[QuoteMention, ...]]:
    """Quotes of each seed from the full pipeline, found with the entity stage's mentions."""
    return {Path(d.article.path).name[:3]: d.quotes for d in seeds_analysis.documents}


@pytest.mark.parametrize(("prefix", "lang", "words", "speakers"), EXPECTED)
def test_quotes_seeds_found_with_entity_mentions(
    with_mentions: dict[str, tuple[QuoteMention, ...]], prefix: str, lang: str, words: str, speakers: tuple[str, ...]
) -> None:
    match = [q for q in with_mentions[prefix] if words in q.text]
    assert any(q.speaker_text and any(s in q.speaker_text for s in speakers) for q in match)
