"""The compact word-frequency tables give wordfreq's own Zipf values (`annotate/word_freq.py`)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import wordfreq
from hypothesis import given
from hypothesis import strategies as st

from synoptic.annotate import word_freq
from synoptic.annotate.proper import zipf

# (frequency list, word, what wordfreq says of it): common words, names, rare and unknown words,
# digits (wordfreq smashes them), several tokens, and strings with no token at all.
CASES = [
    ("en", "the", "common"),
    ("en", "According", "common"),
    ("en", "Ryabkov", "rare"),
    ("en", "qxzvbnmw", "unknown"),
    ("en", "1999", "number"),
    ("en", "12.5", "number"),
    ("en", "New York", "two tokens"),
    ("en", "", "no token"),
    ("en", "...", "no token"),
    ("de", "Regierung", "common"),
    ("de", "Sicherheitsexperten", "rare"),
    ("de", "Danewerk", "rare"),
    ("de", "Bundes-Regierung", "two tokens"),
    ("fr", "l'Europe", "two tokens"),
    ("fr", "Commission", "common"),
    ("ru", "Рябков", "rare"),
    ("ru", "заявил", "common"),
    ("ru", "Москве", "common"),
    ("sh", "Prema", "common"),
    ("sh", "Tadić", "rare"),
    ("cs", "Praze", "common"),
    ("uk", "Київ", "common"),
    ("pt", "Segundo", "common"),
    ("es", "xyzzyqq", "unknown"),
]


@pytest.mark.parametrize(("lang", "word", "kind"), CASES)
def test_zipf_equals_wordfreq(lang: str, word: str, kind: str) -> None:
    expected = wordfreq.zipf_frequency(word, lang)
    assert word_freq.zipf_frequency(word, lang) == expected
    assert zipf(word, lang) == expected
    if kind in {"unknown", "no token"}:
        assert expected == 0.0
    else:
        assert expected > 0.0


@pytest.mark.parametrize("lang", ["en", "de", "ru", "sh"])
def test_every_sampled_list_word_keeps_its_value(lang: str) -> None:
    words = list(wordfreq.iter_wordlist(lang))
    rng = random.Random(7)
    sample = words[:300] + rng.sample(words, 1500) + [w.capitalize() for w in rng.sample(words, 300)]
    assert [word_freq.zipf_frequency(w, lang) for w in sample] == [wordfreq.zipf_frequency(w, lang) for w in sample]


def test_table_finds_nothing_for_words_not_in_the_list() -> None:
    table = word_freq.table("en")
    assert table.frequency("the") == wordfreq.get_frequency_dict("en")["the"]
    for missing in ["qxzvbnmw", "Ryabkov-Rjabkow-Рябков", "the the"]:
        assert missing not in wordfreq.get_frequency_dict("en")
        assert table.frequency(missing) is None


def test_table_is_sorted_and_distinct() -> None:
    keys = word_freq.table("sh").keys
    assert len(keys) == len(wordfreq.get_frequency_dict("sh"))
    assert bool((keys[1:] > keys[:-1]).all())


@given(st.text(max_size=24), st.sampled_from(["en", "de", "fr", "ru", "sh"]))
def test_any_text_gets_wordfreqs_value(text: str, lang: str) -> None:
    assert word_freq.zipf_frequency(text, lang) == wordfreq.zipf_frequency(text, lang)


def test_lists_of_a_language_are_its_own_then_its_reference_lists() -> None:
    assert word_freq.lists_of("de") == ("de", "en", "fr", "es", "it")
    assert word_freq.lists_of("hr") == ("sh",)
    assert word_freq.lists_of("en") == ("en",)


def test_missing_tables_names_lists_not_yet_on_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNOPTIC_CACHE_DIR", str(tmp_path))
    before = word_freq.missing_tables()
    assert {"de", "en", "sh", "ru"} <= set(before)
    word_freq.table.__wrapped__("sh")  # past the process's memory of tables: build and keep it on disk
    assert word_freq.missing_tables() == [name for name in before if name != "sh"]
    monkeypatch.setenv("SYNOPTIC_CACHE_DIR", "off")
    assert "sh" in word_freq.missing_tables()


def test_with_the_cache_off_wordfreq_answers_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    """No table is built where none could be kept (building one costs more than wordfreq's dictionary)."""
    monkeypatch.setenv("SYNOPTIC_CACHE_DIR", "off")

    def no_table(lang: str) -> word_freq.FrequencyTable:
        raise AssertionError(f"a table of {lang!r} was built with the cache off")

    monkeypatch.setattr(word_freq, "table", no_table)
    for lang, word, _kind in CASES:
        assert word_freq.zipf_frequency(word, lang) == wordfreq.zipf_frequency(word, lang)
