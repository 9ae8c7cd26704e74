"""Name keys that survive spelling, script and transliteration differences.

Two surfaces of one name ("Rjabkow", "Ryabkov", "Riabkov", "Рябков") reduce to one *key*: ASCII
transliteration (anyascii), diacritic folding, then a few rewrites that undo the usual German, French
and English romanisations of Slavic names (w->v at word end, j->y, ts/tz->z, kh->h, shch/schtsch->sc ...).
Keys are deliberately lossy: they decide which names *may* be the same, and `resolve` adds the context
checks (first names must agree, fuzzy matches need shared context) that keep two people apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from anyascii import anyascii

from .. import langdata

# Ordered rewrites on a lowercase ASCII word: longest, most specific first.
_REWRITES: tuple[tuple[str, str], ...] = (
    (r"^ch(?=[rl])", "h"),
    (r"schtsch|shch|sch|sh|ch", "s"),
    (r"tsch|tch|tsh|zsch", "c"),
    (r"kh", "h"),
    (r"^h", "g"),
    (r"tz|ts|z", "z"),
    (r"x", "ks"),
    (r"ph", "f"),
    (r"w", "v"),
    (r"j", "y"),
    (r"ck", "k"),
    (r"(ij|iy|yj|yi|ii)$", "i"),
    (r"(ej|ey|ei)$", "ei"),
    (r"y", "i"),
    (r"ou", "u"),
    (r"(.)\1+", r"\1"),
)
_REWRITES_RE = tuple((re.compile(p), r) for p, r in _REWRITES)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lowercase ASCII of `text` with diacritics removed and punctuation turned into single spaces."""
    return " ".join(_NON_ALNUM.sub(" ", anyascii(text).lower()).split())


@lru_cache(maxsize=1 << 16)
def word_key(word: str) -> str:
    """The transliteration-insensitive key of one word ("Rjabkow" and "Ryabkov" -> "riabkov")."""
    out = _NON_ALNUM.sub("", anyascii(word).lower())
    for pattern, repl in _REWRITES_RE:
        out = pattern.sub(repl, out)
    return out


def name_key(name: str) -> str:
    """The key of a whole name: word keys joined by spaces (hyphens join parts: "Díaz-Canel" -> "diazkanel")."""
    parts = [word_key(w) for w in re.split(r"\s+", name.strip()) if w]
    return " ".join(p for p in parts if p)


@cache
def _variant_table() -> dict[str, str]:
    """First-name word key -> the key of its group's first spelling, pooled over every language."""
    table: dict[str, str] = {}
    for data in langdata.load_all("names").values():
        for group in data.get("first_name_variants", []):
            head = word_key(group[0])
            for variant in group:
                table.setdefault(word_key(variant), head)
    return table


def first_name_key(word: str) -> str:
    """The key of a first name, with known variants (Sergei/Sergej/Sergey) mapped to one key."""
    key = word_key(word)
    return _variant_table().get(key, key)


#: A name must reach this frequency class (1 rare .. 13 very common) in some country of the first-name
#: dictionary to count: rarer entries collide with ordinary words more often than they help.
MIN_NAME_FREQUENCY = 3


def _dictionary_first_names() -> Iterator[str]:
    """First names from the nam_dict list of the optional `gender-guesser` package (~16k common ones).

    Optional (extra `names`) because its licences (GPLv3 code, GFDL data) differ from Synoptic's.
    """
    try:
        import gender_guesser
    except ImportError:  # the recogniser still works with the names in the data files
        return
    path = Path(gender_guesser.__file__).parent / "data" / "nam_dict.txt"
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line[:1] in "#=" or len(line) < 31:
                continue
            freq = max((int(c, 16) for c in line[30:-2] if c in "0123456789ABCDEF"), default=0)
            if freq >= MIN_NAME_FREQUENCY:
                yield line.split()[1].replace("+", "-")


@cache
def first_names() -> frozenset[str]:
    """Word keys of common first names, pooled over every language (names travel between languages).

    The data files' own lists and variant tables, plus a first-name dictionary of 40+ countries,
    minus the words each language lists under `first_name_exclude` ("Will", "Mark", "Mai").
    """
    out: set[str] = {word_key(n) for n in _dictionary_first_names()}
    exclude: set[str] = set()
    for data in langdata.load_all("names").values():
        out.update(word_key(n) for n in data.get("first_names", []))
        for group in data.get("first_name_variants", []):
            out.update(word_key(n) for n in group)
        exclude.update(word_key(n) for n in data.get("first_name_exclude", []))
    return frozenset(out - exclude)


@cache
def honorifics() -> frozenset[str]:
    """Honorifics of every language ("Mr.", "Frau", "Mme"), as written."""
    out: set[str] = set()
    for data in langdata.load_all("names").values():
        out.update(data.get("honorifics", []))
    return frozenset(out)


@cache
def title_words() -> frozenset[str]:
    """Single-word roles and titles of every language, lower-cased ("minister", "kaiser", "император"):
    a name that starts with one ("Emperor Meiji", "Imperador Meiji") is the name after it."""
    return frozenset(r.lower() for data in langdata.load_all("names").values() for r in data["roles"] if " " not in r)


@cache
def articles() -> frozenset[str]:
    """Definite articles of every language ("the", "der", "la"), never part of a role or name."""
    return frozenset(w for data in langdata.load_all("names").values() for w in data["articles"])


@cache
def function_words() -> frozenset[str]:
    """Articles and the words after which a role names a department ("du", "of", "für"), pooled."""
    return articles() | frozenset(w for data in langdata.load_all("names").values() for w in data["role_linkers"])


@cache
def particles() -> frozenset[str]:
    out: set[str] = set()
    for data in langdata.load_all("names").values():
        out.update(data.get("particles", []))
    return frozenset(out)


#: A regnal number after a ruler's name (Roman numerals up to 39: "Elizabeth II", "Людовик XIV").
REGNAL = re.compile(r"X{0,3}(?:IX|IV|V?I{0,3})")


@dataclass(frozen=True)
class PersonName:
    """A person mention split into its parts: given names (keys) and the surname (key and as written)."""

    given: tuple[str, ...]
    surname: str
    surname_text: str
    given_text: str = ""

    @property
    def full(self) -> bool:
        return bool(self.given)


@lru_cache(maxsize=1 << 16)
def split_person(surface: str) -> PersonName | None:
    """Given names and surname of a person mention; honorifics and initials-only parts are dropped
    (remembered: resolving a store's entities splits every name-like surface, and news repeats them)."""
    words = [w for w in surface.replace("’s", "").replace("'s", "").split() if w not in honorifics()]
    words = [w for w in words if w.strip(".,")]
    if len(words) > 1 and REGNAL.fullmatch(words[-1]):  # "Thutmose III", "Тутмоса III": a ruler's name, no surname
        words = words[:-1]
    while len(words) > 1 and words[0].lower() in title_words():
        words = words[1:]
    if not words:
        return None
    # The surname is the last word, with the particles ("von der Leyen") that precede it.
    idx = len(words) - 1
    while idx > 0 and words[idx - 1] in particles():
        idx -= 1
    surname_words = words[idx:]
    given_words = [w for w in words[:idx] if len(w.strip(".")) > 1 or not w.endswith(".")]
    surname_text = " ".join(surface_words_clean(surname_words))
    key = word_key("".join(surname_words))
    if not key:
        return None
    return PersonName(tuple(first_name_key(w) for w in given_words), key, surname_text, " ".join(given_words))


def surface_words_clean(words: list[str]) -> list[str]:
    return [w.strip(",;:") for w in words]


def given_compatible(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether two lists of given-name keys can belong to one person (empty lists agree with anything)."""
    if not a or not b:
        return True
    from rapidfuzz.distance import Levenshtein

    x, y = a[0], b[0]
    if x == y:
        return True
    if len(x) == 1 or len(y) == 1:
        return x[0] == y[0]
    return Levenshtein.distance(x, y) <= 1 + (min(len(x), len(y)) >= 8)


def is_capitalised(word: str) -> bool:
    """A word starting with a capital and holding a lower-case letter ("Ryabkov"; not "NATO", "de")."""
    return word[:1].isupper() and any(c.islower() for c in word)


def spelt_alike(a: str, b: str, least: float) -> bool:
    """Whether two keys are spelt alike: normalised Levenshtein similarity at least `least`."""
    from rapidfuzz.distance import Levenshtein

    return bool(Levenshtein.normalized_similarity(a, b) >= least)


def close_spelling(a: str, b: str) -> bool:
    """Whether two surname keys differ by a typo (one or two edits, transpositions count once)."""
    if a == b:
        return True
    if min(len(a), len(b)) < 6:
        return False
    from rapidfuzz.distance import DamerauLevenshtein

    limit = 1 if min(len(a), len(b)) < 8 else 2
    return bool(DamerauLevenshtein.distance(a, b) <= limit)


# Rewrites that make romanisations of one Cyrillic name, and Cyrillic renderings of one Latin name,
# agree: English/French/German/scholarly/passport schemes differ in how they write ж ш щ ч ц х й я ю
# (zh/j/ž, sh/sch/š, ch/tsch/č, ts/tz/c, kh/ch/h, y/j/i) and Russian renders English c/q/w as к/кв/в.
_SKELETON_REWRITES: tuple[tuple[str, str], ...] = (
    (r"^kn", "n"),  # English silent k (Knott, Нотт)
    (r"gh(?![aeiouy])", ""),  # English silent gh (Pugh, Пью; Vaughn)
    (r"th", "t"),  # English th is Russian т (Thomas, Томас)
    (r"(?<=[bd])h", ""),  # Indic aspirates are plain in Russian (Gandhi, Ганди; Bhutan, Бутан)
    (r"(?<=[aeiouy])j$", ""),  # German and scholarly j is й after a vowel (Sergej, Sergei, Сергей)
    (r"shch|schtsch|sch|sh|tsch|tch", "s"),
    (r"dzh|dž|dj", "j"),
    (r"zh|ž", "j"),
    (r"kh|ch", "h"),  # German ch is Russian х (kh); English ch is ч, which romanises as ch again
    (r"ts|tz|c(?=[eiy])", "s"),  # soft c (Nancy, Нэнси; Valencia)
    (r"qu", "kv"),  # English qu is Russian кв (Quebec, Квебек)
    (r"ck|q", "k"),
    (r"c", "k"),
    (r"x", "ks"),
    (r"ph", "f"),
    (r"w", "v"),
    (r"z", "s"),  # Russian з renders English s (Канзас), German s is Russian з (Selenskyj)
    (r"(?<=[^aeiouy])j", "y"),
    (r"(?<=[aeiouy])h(?![aeiouy])", ""),  # a silent h after a vowel (Sarah, Сара; Sahara, Сахара, Saara)
    (r"^y(?=[aeiou])", "i"),  # English y before a vowel is the i of a Ю or Я (Yucatán, Юкатан = Iukatan)
    (r"^[aeiou]+", "a"),  # a leading vowel is rendered freely (Avery, Эйвери; Abbotsford, Эбботсфорд)
)
_SKELETON_RE = tuple((re.compile(p), r) for p, r in _SKELETON_REWRITES)
# A second, looser skeleton for the renderings where Russian follows the sound of an English or German
# name rather than its letters; names match when either skeleton agrees, so the strict one still pairs
# Washington with Вашингтон and Rjabkow with Рябков.
_LOOSE_BEFORE = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"^w(?=[aeiou])", ""),  # English w before a vowel is у (William, Уильям; Watson, Уотсон)
        (r"(?<=[aeiou])w(?![aeiouy])", ""),  # English ow, aw, ew are vowels (Brown, Браун; Newton, Ньютон)
        (r"ch", "k"),  # Greek ch is к (Michael, Майкл; Christian, Кристиан)
    )
)
_LOOSE_AFTER = ((re.compile("g"), "h"),)  # Russian г renders h (Harry, Гарри; Heinrich, Генрих)
_PT_NASAL = re.compile(r"(ã|õ)(?:o|e)(?=s?$)")
_VOWELS = re.compile(r"(?<=.)[aeiouy]+")
_DOUBLE = re.compile(r"(.)\1+")
#: A case ending is stripped only when this many letters remain (the stem of "Том" is not "Т").
MIN_STEM = 3


@cache
def case_endings(lang: str) -> tuple[str, ...]:
    """The oblique-case endings of surnames in `lang`, longest first (`names.json` `case_endings`)."""
    if lang not in langdata.supported_languages():
        return ()
    return tuple(sorted(langdata.load(lang, "names")["case_endings"], key=len, reverse=True))


@cache
def genitive_suffixes(lang: str) -> tuple[str, ...]:
    """Possessive endings written on a surname in `lang` ("Merkels"; `names.json` `genitive_suffixes`)."""
    if lang not in langdata.supported_languages():
        return ()
    return tuple(langdata.load(lang, "names")["genitive_suffixes"])


@lru_cache(maxsize=1 << 16)
def skeleton(word: str, lang: str = "", loose: bool = False) -> str:
    """A script-independent consonant skeleton of a name word: Трампа, Trump -> "trmp"; Рябков, Rjabkow -> "rbkv".

    Lossier than `word_key`: vowels go (English u is Russian а), case endings of the word's language
    go, the transliteration schemes' spellings of one sound become one letter. Used only to compare
    names written in different scripts or inflected, with the given names checked besides.
    """
    low = word.lower()
    for ending in case_endings(lang):
        if low.endswith(ending) and len(low) - len(ending) >= MIN_STEM:
            low = low[: -len(ending)]
            break
    return _skeleton_of(low, loose)


@lru_cache(maxsize=1 << 16)
def plain_skeleton(word: str) -> str:
    """The skeleton of a word as written, no case ending stripped (a nominative "Беллингхем" ends in
    what would be an instrumental ending elsewhere)."""
    return _skeleton_of(word.lower())


def _skeleton_of(low: str, loose: bool = False) -> str:
    # ç is /s/ in Portuguese, French and Catalan (França, Франция), never the /k/ anyascii's "c" becomes
    # Portuguese -ão, -ões are the -an, -on of other languages (Iucatão, Yucatán; Japão, Japan)
    low = _PT_NASAL.sub(r"\1n", low)
    out = _NON_ALNUM.sub("", anyascii(low.replace("ç", "s")).lower())
    for pattern, repl in (*_LOOSE_BEFORE, *_SKELETON_RE, *_LOOSE_AFTER) if loose else _SKELETON_RE:
        out = pattern.sub(repl, out)
    return _DOUBLE.sub(r"\1", _VOWELS.sub("", out))
