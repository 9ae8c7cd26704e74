"""`synoptic analyze --set / --config / synoptic.toml` and `synoptic settings`, end to end through the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from synoptic.cli import EXIT_NOTHING, EXIT_OK, main
from synoptic.report.json import validate

BODY = "The council met on Monday to discuss the budget of the new school in the northern district. " * 3
#: A short line printed twice (page furniture by the cleaner's default `ingest.repeated_line_words`).
REPEATED = "Morning Edition Berlin"


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(f"Council budget\n\n{REPEATED}\n\n{BODY}\n\n{REPEATED}\n", encoding="utf-8")
    return folder


def run(corpus: Path, out: Path, *extra: str) -> dict[str, Any]:
    code = main(["analyze", str(corpus), "--db", str(out.with_suffix(".db")), "--json", str(out), "-q", *extra])
    assert code == EXIT_OK
    document: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    validate(document)
    return document


def test_settings_cli_set_shows_in_json_and_changes_output(corpus: Path, tmp_path: Path) -> None:
    until = ("--until", "language")
    default = run(corpus, tmp_path / "default.json", *until)
    changed = run(
        corpus,
        tmp_path / "set.json",
        *until,
        "--set",
        "derivations.translation_threshold=0.5",
        "--set",
        "ingest.repeated_line_words=0",
    )
    assert default["settings"]["overridden"] == []
    assert default["settings"]["params"]["derivations.translation_threshold"] == 0.7
    assert changed["settings"]["overridden"] == ["derivations.translation_threshold", "ingest.repeated_line_words"]
    assert changed["settings"]["params"]["derivations.translation_threshold"] == 0.5
    assert changed["settings"]["params"]["ingest.repeated_line_words"] == 0
    assert REPEATED not in default["articles"][0]["text"]
    assert changed["articles"][0]["text"].count(REPEATED) == 2


def test_settings_cli_reads_synoptic_toml_and_config(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "synoptic.toml").write_text("[ingest]\nrepeated_line_words = 0\n", encoding="utf-8")
    monkeypatch.chdir(work)
    found = run(corpus, tmp_path / "toml.json", "--until", "language")
    assert found["settings"]["overridden"] == ["ingest.repeated_line_words"]
    assert found["articles"][0]["text"].count(REPEATED) == 2
    other = tmp_path / "other.toml"
    other.write_text("[derivations]\ntranslation_threshold = 0.6\n", encoding="utf-8")
    chosen = run(corpus, tmp_path / "config.json", "--until", "language", "--config", str(other))
    assert chosen["settings"]["overridden"] == [
        "derivations.translation_threshold"
    ]  # --config replaces ./synoptic.toml
    both = run(
        corpus,
        tmp_path / "both.json",
        "--until",
        "language",
        "--config",
        str(other),
        "--set",
        "derivations.translation_threshold=0.55",
    )
    assert both["settings"]["params"]["derivations.translation_threshold"] == 0.55  # --set wins over the file


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--set", "derivations.translation_treshold=0.5"], "did you mean derivations.translation_threshold"),
        (["--set", "derivations.translation_threshold=high"], "takes a float"),
        (["--set", "claims.min_words=2.5"], "takes an int"),
        (["--set", "translation_threshold"], "section.name=value"),
        (["--engine", "rya"], "did you mean ray"),
    ],
)
def test_settings_cli_bad_settings_fail_before_reading(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    out = tmp_path / "bad.json"
    code = main(["analyze", str(corpus), "--db", str(tmp_path / "bad.db"), "--json", str(out), "-q", *args])
    assert code == EXIT_NOTHING
    assert message in capsys.readouterr().err.replace("\n", " ")
    assert not out.exists()


def test_settings_cli_lists_every_setting(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # one table row per line
    assert main(["settings", "--set", "claims.min_words=7"]) == EXIT_OK
    rows = {
        line.split("│")[1].strip(): line.split("│")[2:5]
        for line in capsys.readouterr().out.splitlines()
        if line.count("│") >= 5
    }
    assert "derivations.translation_threshold" in rows and "conflicts.number_align" in rows
    value, default, reason = (cell.strip() for cell in rows["claims.min_words"])
    assert (value, default) == ("7", "4") and "claim" in reason
