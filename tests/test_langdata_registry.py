"""Per-language data: supported languages come from the resource folders; unknown ones fail helpfully."""

from __future__ import annotations

import pytest

from synoptic import langdata
from synoptic.errors import LanguageDataError, UnsupportedLanguageError


def test_langdata_lists_supported_languages() -> None:
    supported = langdata.supported_languages()
    assert {"en", "de", "fr"} <= set(supported)
    assert list(supported) == sorted(supported)


def test_langdata_unsupported_language_lists_supported_ones() -> None:
    with pytest.raises(UnsupportedLanguageError) as err:
        langdata.load("xx", "boilerplate")
    assert "'xx' is not supported" in str(err.value)
    assert ", ".join(langdata.supported_languages()) in str(err.value)
    assert err.value.code == "E001"


@pytest.mark.parametrize("lang", ["en", "de", "fr"])
def test_langdata_boilerplate_cues_exist_per_language(lang: str) -> None:
    assert langdata.load(lang, "boilerplate")["cues"]


def test_langdata_missing_resource_fails_loudly() -> None:
    with pytest.raises(LanguageDataError) as err:
        langdata.load("en", "no_such_resource")
    assert "lang/en/no_such_resource.json" in str(err.value)
    assert err.value.code == "E007"


@pytest.mark.parametrize("lang", langdata.supported_languages())
@pytest.mark.parametrize("resource", sorted(langdata.schema()))
def test_langdata_every_language_has_every_resource_and_key(lang: str, resource: str) -> None:
    data = langdata.load(lang, resource)
    assert all(key in data for key in langdata.schema()[resource])


@pytest.mark.parametrize(
    ("lang", "figure"),
    [
        ("cs", "speaker accuracy (quotes_cs_ru)"),  # quotes only (bench_quotes)
        ("ru", "speaker accuracy (quotes_cs_ru)"),  # quotes beside entities (both benchmarks)
        ("ru", "NER F1 (ru)"),
        ("de", "NER F1 (de)"),
    ],
)
def test_langdata_measured_merges_every_benchmark(lang: str, figure: str) -> None:
    assert figure in langdata.measured()[lang]


@pytest.mark.parametrize("lang", ["es", "it", "uk"])
def test_langdata_measured_lacks_languages_without_data(lang: str) -> None:
    assert lang not in langdata.measured()
