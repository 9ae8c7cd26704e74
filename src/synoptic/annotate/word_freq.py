"""wordfreq's Zipf frequencies, read from compact tables kept on disk instead of wordfreq's dictionaries.

`wordfreq.zipf_frequency` builds a Python dictionary of the whole list (up to 713,000 words) the
first time a language is asked for: up to 0.4 s a list, and the entity stage of a German article
reads five lists, in every worker process. Here each list is kept once per machine (`disk_cache`)
as two arrays, the words' 64-bit hashes sorted and their frequency bands, which a process reads in
milliseconds. `zipf` gives the same value as `wordfreq.zipf_frequency(word, lang)` (its tokenizer,
number handling and rounding are wordfreq's own); a word missing from a list matches another word's
hash with a chance of about one in 10^13 a lookup.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from ..disk_cache import cache_off, cached, file_parts, package_version


@dataclass(frozen=True)
class FrequencyTable:
    """One wordfreq list ("best": large where there is one): sorted word hashes and, for each, its
    band in centibels below a frequency of 1 (wordfreq's frequency is 10 ** (-band / 100))."""

    keys: np.ndarray  # uint64, sorted, distinct
    bands: np.ndarray  # uint16, one per key

    def frequency(self, word: str) -> float | None:
        """The word's frequency in the list, or None when it is not there."""
        key = np.uint64(word_key(word))
        i = int(np.searchsorted(self.keys, key))
        if i < len(self.keys) and self.keys[i] == key:
            return float(10 ** (-int(self.bands[i]) / 100))
        return None


def word_key(word: str) -> int:
    """A stable 64-bit hash of a word (Python's `hash` changes between processes)."""
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


def build_table(lang: str) -> FrequencyTable:
    """The table of wordfreq's list for `lang`: each word in its last band, as `get_frequency_dict` keeps it."""
    from wordfreq import get_frequency_list

    band_of: dict[str, int] = {}
    for band, words in enumerate(get_frequency_list(lang, "best")):
        for word in words:
            band_of[word] = band
    keys = np.fromiter((word_key(w) for w in band_of), np.uint64, len(band_of))
    bands = np.fromiter(band_of.values(), np.uint16, len(band_of))
    order = np.argsort(keys, kind="stable")
    keys, bands = keys[order], bands[order]
    if len(keys) > 1 and bool((keys[1:] == keys[:-1]).any()):
        raise ValueError(f"two words of wordfreq's {lang!r} list share a 64-bit hash")
    return FrequencyTable(keys, bands)


@cache
def table(lang: str) -> FrequencyTable:
    """The table of `lang`, from the disk cache (built there on a machine's first use of the list)."""
    return cached(f"wordfreq-{lang}", _parts(lang), lambda: build_table(lang))


def _parts(lang: str) -> list[str | bytes]:
    """What a table is built from (its cache key): the list's name, wordfreq's version and this code."""
    return [lang, f"wordfreq=={package_version('wordfreq')}", *file_parts([Path(__file__)])]


def preload() -> None:
    """Import the parts of wordfreq that `word_frequency` calls: importing wordfreq takes about 0.15 s
    (langcodes' and ftfy's tables, and its data folder found by reading the call stack), so a run
    imports it once before its worker processes fork, and they share it."""
    import wordfreq.language_info
    import wordfreq.numbers
    import wordfreq.tokens  # noqa: F401


def word_frequency(word: str, lang: str, minimum: float) -> float:
    """wordfreq's `word_frequency(word, lang, "best", minimum)`, its steps as wordfreq 3.1 takes them."""
    from wordfreq.language_info import get_language_info
    from wordfreq.numbers import digit_freq, smash_numbers
    from wordfreq.tokens import lossy_tokenize

    tokens = lossy_tokenize(word, lang)
    if not tokens:
        return minimum
    freqs = table(lang)
    one_over_result = 0.0
    for token in tokens:
        smashed = smash_numbers(token)
        freq = freqs.frequency(smashed)
        if freq is None:
            return minimum
        if smashed != token:
            freq *= digit_freq(token)
        one_over_result += 1.0 / freq
    freq = 1.0 / one_over_result
    if get_language_info(lang)["tokenizer"] == "jieba":
        from wordfreq import INFERRED_SPACE_FACTOR

        freq *= INFERRED_SPACE_FACTOR ** -(len(tokens) - 1)
    unrounded = max(freq, minimum)
    if unrounded == 0.0:
        return 0.0
    leading_zeroes = math.floor(-math.log(unrounded, 10))
    return round(unrounded, leading_zeroes + 3)


def zipf_frequency(word: str, lang: str) -> float:
    """wordfreq's `zipf_frequency(word, lang)`: log10 of the word's frequency per billion words,
    rounded to hundredths (0.0 for a word the list does not have)."""
    if cache_off():  # no table is kept: wordfreq's dictionary builds faster than a table
        from wordfreq import zipf_frequency as wordfreq_zipf

        return float(wordfreq_zipf(word, lang))
    freq = word_frequency(word, lang, 10**0.0 / 1e9)
    return round(math.log(freq, 10) + 9, 2)


def lists_of(lang: str) -> tuple[str, ...]:
    """The wordfreq lists the entity rules read for a supported language: its own and its reference lists."""
    from .. import langdata

    info = langdata.info(lang)
    return (str(info["frequency_list"]), *(str(r) for r in info.get("name_reference_lists", [])))


def missing_tables() -> list[str]:
    """The wordfreq lists of the supported languages that have no table on disk yet (all, with the cache off)."""
    from .. import langdata
    from ..disk_cache import path_of

    lists = sorted({name for lang in langdata.supported_languages() for name in lists_of(lang)})
    return [name for name in lists if (p := path_of(f"wordfreq-{name}", _parts(name))) is None or not p.exists()]
