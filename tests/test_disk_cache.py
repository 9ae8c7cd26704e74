"""The on-disk cache of slow-to-build data (`disk_cache`): read back when its sources are unchanged,
built again when they change or the copy is unreadable, and never in the way of a run."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from synoptic import disk_cache
from synoptic.annotate import gazetteer
from synoptic.annotate.gazetteer import GazetteerParams
from synoptic.disk_cache import cached, key_of


class Builds:
    """A build that counts its calls."""

    def __init__(self, value: object) -> None:
        self.value, self.calls = value, 0

    def __call__(self) -> object:
        self.calls += 1
        return self.value


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(disk_cache.ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_build_is_kept_and_read_back(folder: Path) -> None:
    build = Builds({"Wien": ("Vienna",)})
    assert cached("places", ["v1"], build) == {"Wien": ("Vienna",)}
    assert cached("places", ["v1"], build) == {"Wien": ("Vienna",)}
    assert build.calls == 1
    assert len(list(folder.glob("places-*.pickle"))) == 1


def test_changed_sources_build_again(folder: Path) -> None:
    build = Builds([1, 2])
    cached("places", ["v1"], build)
    cached("places", ["v2"], build)
    cached("places", [b"v1"], build)  # bytes and text of the same content are one source
    assert build.calls == 2


def test_an_unreadable_copy_is_built_again(folder: Path, caplog: pytest.LogCaptureFixture) -> None:
    build = Builds("fresh")
    cached("places", ["v1"], build)
    (kept,) = folder.glob("places-*.pickle")
    kept.write_bytes(b"not a pickle")
    with caplog.at_level(logging.WARNING, logger="synoptic.disk_cache"):
        assert cached("places", ["v1"], build) == "fresh"
    assert build.calls == 2
    assert "could not be read" in caplog.text
    assert cached("places", ["v1"], build) == "fresh" and build.calls == 2  # the rebuilt copy was kept


def test_off_builds_every_time_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(disk_cache.ENV, "off")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    build = Builds(3)
    assert cached("places", ["v1"], build) == 3 and cached("places", ["v1"], build) == 3
    assert build.calls == 2
    assert list(tmp_path.rglob("*.pickle")) == []


@pytest.mark.parametrize(
    ("setting", "off", "folder"),
    [("off", True, None), ("OFF", True, None), ("", False, "xdg/synoptic"), ("mine", False, "mine")],
)
def test_cache_off_agrees_with_cache_dir(
    setting: str, off: bool, folder: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(disk_cache.ENV, setting)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert disk_cache.cache_off() is off
    found = disk_cache.cache_dir()
    assert (found is None) is off
    if folder is not None:
        assert found is not None and found.resolve() == (tmp_path / folder).resolve()


def test_default_folder_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(disk_cache.ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert disk_cache.cache_dir() == tmp_path / "xdg" / "synoptic"


def test_a_folder_that_cannot_be_written_only_costs_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv(disk_cache.ENV, str(blocker / "cache"))
    build = Builds("value")
    with caplog.at_level(logging.WARNING, logger="synoptic.disk_cache"):
        assert cached("places", ["v1"], build) == "value"
    assert "could not keep" in caplog.text


def test_old_versions_are_dropped(folder: Path) -> None:
    for version in range(disk_cache.KEEP_VERSIONS + 3):
        cached("places", [str(version)], Builds(version))
    cached("other", ["x"], Builds(0))
    assert len(list(folder.glob("places-*.pickle"))) == disk_cache.KEEP_VERSIONS
    assert len(list(folder.glob("other-*.pickle"))) == 1


@given(st.lists(st.text(max_size=5), max_size=4), st.lists(st.text(max_size=5), max_size=4))
def test_keys_differ_for_different_parts(a: list[str], b: list[str]) -> None:
    assert (key_of(a) == key_of(b)) == (a == b)


def test_the_cached_gazetteer_is_the_built_one(folder: Path) -> None:
    params = GazetteerParams()
    built = gazetteer._build(params)
    first = gazetteer.cached("gazetteer", gazetteer._sources(params), lambda: built)
    again = gazetteer.cached("gazetteer", gazetteer._sources(params), lambda: pytest.fail("built twice"))
    assert first is built
    copy = gazetteer.cached_copy(params)
    assert copy is not None and copy.exists() and copy.parent == folder
    assert again._entries == built._entries and again._known_only == built._known_only
    assert again.lookup("Wien", "de") == built.lookup("Wien", "de") is not None
    other = GazetteerParams(min_city_population=params.min_city_population * 2)
    assert key_of(gazetteer._sources(other)) != key_of(gazetteer._sources(params))


def test_an_edited_language_file_changes_the_gazetteers_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from synoptic import langdata

    extra = tmp_path / "gazetteer.json"
    files = [*langdata.data_files(), extra]
    monkeypatch.setattr(langdata, "data_files", lambda: files)
    keys = []
    for content in ('{"PLACE": {"Kreml": "Kremlin"}}', '{"PLACE": {"Kreml": "Moscow Kremlin"}}'):
        extra.write_text(content, encoding="utf-8")
        keys.append(key_of(gazetteer._sources(GazetteerParams())))
    assert keys[0] != keys[1]
