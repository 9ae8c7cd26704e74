"""The static model computed in Python (`embed_static`) gives the package's Rust engine's vectors,
bit for bit: on a table of texts in many scripts and shapes, on random texts, on the seeds and on
UNER's sentences in eleven languages. Texts with graphemes of several code points go to the engine;
plain texts never load it."""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synoptic.embed_static import (
    MAX_TOKENS,
    WORD_LIMIT,
    StaticModel,
    build_vocabulary,
    model_dir,
    needs_engine,
    static_model,
    vocabulary,
)


def engine(texts: Sequence[str]) -> np.ndarray:
    """The Rust engine's vectors."""
    from static_model import get_embeddings

    return np.array(get_embeddings(list(texts)), dtype=np.float32).reshape(len(texts), 64)


def assert_same(texts: Sequence[str]) -> None:
    got = static_model().vectors(texts)
    want = engine(texts)
    differ = [t for t, a, b in zip(texts, got, want, strict=True) if not np.array_equal(a, b)]
    assert differ == []


#: (what it tests, text): each must give the engine's vector exactly.
CASES = [
    ("english", "The minister denied on Tuesday that talks with Washington had taken place."),
    ("german", "Die Bundesregierung kündigte am Montag neue Hilfen für die Ukraine an."),
    ("french", "Le ministre a démenti « toute négociation » avec Washington, mardi soir."),
    ("russian", "Рябков заявил, что Россия не намерена размещать ракеты в Европе."),
    ("croatian", "Vlada je u ponedjeljak najavila nove mjere za pomoć poljoprivrednicima."),
    ("arabic", "قال الوزير إن المحادثات ستستمر الأسبوع المقبل"),
    ("hebrew", "השר אמר כי השיחות יימשכו בשבוע הבא"),
    ("chinese", "外交部发言人周二表示，谈判将在下周继续。"),
    ("japanese", "外務省は火曜日、交渉が来週も続くと発表した。"),
    ("korean syllables", "외교부는 화요일 협상이 다음 주에도 계속될 것이라고 밝혔다."),
    ("greek", "Ο υπουργός δήλωσε ότι οι συνομιλίες θα συνεχιστούν."),
    ("numbers", "42 000 000 3,14 1.000.000 2021-12-12 €500 75%"),
    ("punctuation runs (the unknown id is '.')", "Wait... what?! ... .. . .... ..... ?!?! ---"),
    ("unk marker", "<unk>Ušli smo u utakmicu, a <unk> pa x<unk>y i <unk"),
    ("word-start mark inside a word", "a\u2581b \u2581\u2581c d\u2581"),
    ("white space of many kinds", "a\tb\nc\x0bd\x0ce\rf\x85g\xa0h\u2000i\u2009j\u3000k\u2028l\u2029m \x1c n\x1f"),
    ("compatibility forms", "ﬁnal ﬂow ① ² ½ ＡＢＣ １２３ ！？"),
    ("lone format characters", "soft\u00adhyphen zero\u200bwidth \ufeffbom \u200eltr\u200f \u2066iso\u2069"),
    ("emoji", "Great news 😀🎉 ✓ ★"),
    ("empty", ""),
    ("white space only", " \t\n "),
    ("longer than the model's 512 tokens", "Der Bundestag stimmte am Donnerstag dem Gesetz zu. " * 120),
]


@pytest.mark.parametrize("text", [t for _, t in CASES], ids=[name for name, _ in CASES])
def test_vectors_equal_the_engines(text: str) -> None:
    assert not needs_engine(text)
    assert_same([text or " "])


#: Texts left to the engine (a grapheme of several code points, or the pad marker), and plain ones.
ENGINE_CASES = [
    ("combining accent", "Cafe\u0301 ouvert", True),
    ("emoji with a joiner", "family 👨\u200d👩\u200d👧", True),
    ("flag", "🇩🇪 Berlin", True),
    ("skin tone", "👍🏽 ok", True),
    ("hangul jamo", "\u1100\u1161\u11a8", True),
    ("devanagari vowel sign", "नमस्ते", True),
    ("carriage return and line feed", "one\r\ntwo", True),
    ("pad marker", "a <pad> b", True),
    ("precomposed accents", "Café déjà vu", False),
    ("lone carriage return", "one\rtwo", False),
    ("lone line feed", "one\ntwo", False),
    ("hangul syllables", "한국어", False),
    ("soft hyphen", "Bundes\u00adtag", False),
]


@pytest.mark.parametrize(("text", "left"), [(t, left) for _, t, left in ENGINE_CASES], ids=[c[0] for c in ENGINE_CASES])
def test_texts_with_joined_graphemes_go_to_the_engine_and_still_match(text: str, left: bool) -> None:
    assert needs_engine(text) is left
    assert_same([text])


#: Texts that hold the pad marker only once normalised (full-width and small forms of < > and letters).
PAD_ONCE_NORMALISED = ["a \uff1cpad\uff1e b", "a \ufe64pad\ufe65 b", "\uff1c\uff50\uff41\uff44\uff1e", "<\uff50ad>"]


@pytest.mark.parametrize("text", PAD_ONCE_NORMALISED)
def test_texts_that_normalise_into_the_pad_marker_go_to_the_engine(text: str) -> None:
    assert static_model().tokenizer.ids(text) is None
    assert_same([text])


def test_a_text_with_a_word_of_thousands_of_characters_goes_to_the_engine() -> None:
    rng = random.Random(5)
    word = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(WORD_LIMIT + 1))
    assert static_model().tokenizer.ids(f"Vor dem Wort {word} und danach") is None
    assert static_model().tokenizer.ids(word[:WORD_LIMIT]) is not None
    assert_same([f"Vor dem Wort {word} und danach", word[:WORD_LIMIT]])


def test_plain_texts_never_load_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    import static_model as package

    def refuse(*_args: object) -> object:
        raise AssertionError("the Rust engine was asked")

    monkeypatch.setattr(package, "get_embeddings", refuse)
    vectors = StaticModel().vectors([t or " " for _, t in CASES])
    assert vectors.shape == (len(CASES), 64)


def test_a_long_text_is_cut_at_512_tokens() -> None:
    text = "Moskau " * 1000
    assert len(static_model().tokenizer.ids(text) or []) == MAX_TOKENS
    assert np.array_equal(static_model().vectors([text]), static_model().vectors(["Moskau " * 600]))


def test_the_vocabulary_on_disk_equals_the_one_built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNOPTIC_CACHE_DIR", str(tmp_path))
    built = build_vocabulary(model_dir())
    first, second = vocabulary(model_dir()), vocabulary(model_dir())  # built and kept, then read back
    assert list(tmp_path.glob("static-vocabulary-*.pickle"))
    for kept in (first, second):
        assert kept.ids == built.ids and kept.longest == built.longest and kept.charsmap == built.charsmap
        assert np.array_equal(kept.scores, built.scores) and (kept.unk, kept.unk_mark) == (built.unk, built.unk_mark)


#: Characters random texts are drawn from: several scripts, digits, punctuation, white space of
#: every kind the splitter knows, the word-start mark, compatibility forms, emoji, lone format
#: characters, and pieces of the unk marker.
ALPHABET = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГД"
    "äöüßÄÖÜéèêàçœÉčćžšđČĆŽŠĐ0123456789"
    ".,;:!?-–—'\"«»„“”‘’()[]{}%&/\\@#*+=<>|~^_`$€£"
    " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u2000\u2009\u200a\u3000\u2028\u2581"
    "ﬁﬂ①²³½ＡＢＣ１２３！？αβγδεζηθאבגדהابتثج中文字日本語한국어😀🎉✓★☆\u00ad\u200b\ufeff"
)
PIECES = st.one_of(
    st.sampled_from(ALPHABET),
    st.sampled_from(["<unk>", "<unk", "unk>", "...", "\u2581\u2581", "\uff1c", "\uff1e", "\uff55\uff4e\uff4b", "pad"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=60).map("".join))
def test_random_texts_from_many_scripts_give_the_engines_vectors(text: str) -> None:
    assert_same([text or " "])


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=40))
def test_any_unicode_text_gives_the_engines_vectors(text: str) -> None:
    assert_same([text or " "])


def test_seed_articles_and_their_sentences(seeds_dir: Path) -> None:
    texts = []
    for path in sorted(seeds_dir.glob("*.txt")):
        body = path.read_text(encoding="utf-8")
        texts.append(body)
        texts.extend(line for line in body.splitlines() if line.strip())
    assert len(texts) > 50
    assert_same(texts)


def test_uner_sentences_in_eleven_languages(eval_dir: Path) -> None:
    sentences = []
    for path in sorted((eval_dir / "uner").glob("*.iob2")):
        lines = [
            ln[len("# text = ") :] for ln in path.read_text(encoding="utf-8").splitlines() if ln.startswith("# text = ")
        ]
        sentences.extend(random.Random(path.name).sample(lines, min(150, len(lines))))
    assert len(sentences) > 1000
    assert_same(sentences)


def test_threads_sharing_one_model_get_the_engines_vectors() -> None:
    """The web server's analysis thread and the process's other users share one model; its memories
    fill from several threads at once."""
    from concurrent.futures import ThreadPoolExecutor

    rng = random.Random(7)
    texts = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 80))) or " " for _ in range(400)]
    shared = StaticModel()
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(shared.vectors, [texts[k::4] for k in range(4)] * 2))
    for k, got in enumerate(results):
        assert np.array_equal(got, engine(texts[k % 4 :: 4]))
