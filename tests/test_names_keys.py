"""Name keys: transliteration and spelling variants meet, different names stay apart."""

from __future__ import annotations

import pytest

from synoptic.annotate.names import close_spelling, first_name_key, given_compatible, split_person, word_key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Rjabkow", "Ryabkov"),
        ("Riabkov", "Ryabkov"),
        ("Рябков", "Ryabkov"),
        ("Peskow", "Peskov"),
        ("Díaz-Canel", "Diaz-Canel"),
        ("Khrushchev", "Chrushchev"),
        ("Hryzenko", "Hrytsenko"),
        ("Hrytsenko", "Gritsenko"),
        ("Wladimir", "Vladimir"),
    ],
)
def test_names_keys_variants_meet(a: str, b: str) -> None:
    assert word_key(a) == word_key(b)


@pytest.mark.parametrize(("a", "b"), [("Putin", "Peskov"), ("Ryabkov", "Lavrov"), ("Sherman", "Sullivan")])
def test_names_keys_different_names_differ(a: str, b: str) -> None:
    assert word_key(a) != word_key(b)
    assert not close_spelling(word_key(a), word_key(b))


@pytest.mark.parametrize(
    ("a", "b"), [("Sergei", "Sergej"), ("Sergey", "Sergei"), ("Dmitri", "Dmitry"), ("Dmitrij", "Dmitri")]
)
def test_names_first_name_variants(a: str, b: str) -> None:
    assert first_name_key(a) == first_name_key(b)


@pytest.mark.parametrize(
    ("a", "b", "close"),
    [
        ("Rybakov", "Ryabkov", True),
        ("Stoltenburg", "Stoltenberg", True),
        ("Putin", "Pution", False),
        ("Biden", "Bidet", False),
    ],
)
def test_names_typo_tolerance_needs_length(a: str, b: str, close: bool) -> None:
    assert close_spelling(word_key(a), word_key(b)) is close


@pytest.mark.parametrize(
    ("surface", "given", "surname"),
    [
        ("Mme Lindqvist", (), "Lindqvist"),
        ("Ursula von der Leyen", ("ursula",), "von der Leyen"),
        ("Sergej Rjabkow", (first_name_key("Sergei"),), "Rjabkow"),
    ],
)
def test_names_split_person(surface: str, given: tuple[str, ...], surname: str) -> None:
    parts = split_person(surface)
    assert parts is not None
    assert parts.given == given
    assert parts.surname_text == surname


def test_names_given_names_must_agree() -> None:
    assert given_compatible(("sergei",), ())
    assert given_compatible(("s",), ("sergei",))
    assert not given_compatible(("sergei",), ("dmitri",))
