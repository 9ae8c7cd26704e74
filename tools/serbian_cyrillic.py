"""Add the Cyrillic spelling of every Latin-script entry to Serbian's data files (lang/sr/*.json).

Serbian is written in both scripts, and the Latin-Cyrillic mapping is one-to-one (Vuk Karadžić's
alphabet and Gaj's Latin alphabet), so the Serbian lists are written once in Latin and this script
adds their Cyrillic forms. Idempotent: run it again after editing a Serbian file.

Run: `python tools/serbian_cyrillic.py`
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SR = Path(__file__).resolve().parents[1] / "src" / "synoptic" / "lang" / "sr"
# Keys whose values are settings or descriptions, not words of the language ("range" is one
# [from, to] pair, kept in Latin script).
SKIP = frozenset(
    {
        "_doc",
        "group",
        "decimal",
        "ordinal",
        "head",
        "range",
        "name",
        "scripts",
        "cldr_locales",
        "family",
        "identifier_codes",
        "day_first",
        "month_first",
        "case_insensitive_months_with_year",
    }
)
DIGRAPHS = {"lj": "љ", "nj": "њ", "dž": "џ", "Lj": "Љ", "Nj": "Њ", "Dž": "Џ", "LJ": "Љ", "NJ": "Њ", "DŽ": "Џ"}
LETTERS = dict(zip("abcčćdđefghijklmnoprsštuvzž", "абцчћдђефгхијклмнопрсштувзж", strict=True))
LETTERS.update({k.upper(): v.upper() for k, v in LETTERS.items()})


def to_cyrillic(text: str) -> str | None:
    """The Cyrillic spelling of a Serbian Latin word or phrase; None for foreign spellings (w, q, x, y)."""
    if any(c in "wqxyWQXY" for c in text) or not any(c in LETTERS for c in text):
        return None
    out, i = [], 0
    while i < len(text):
        pair = text[i : i + 2]
        if pair in DIGRAPHS:
            out.append(DIGRAPHS[pair])
            i += 2
            continue
        out.append(LETTERS.get(text[i], text[i]))
        i += 1
    return "".join(out)


# Mappings keyed by words of the language (other mappings are keyed by class names: "meeting", "day").
WORD_KEYED = frozenset({"PLACE", "ORG", "affiliations", "vague", "scales", "number_words", "relative", "pronouns"})


def extend(value: Any, word_keys: bool = False) -> Any:
    """Lists gain the Cyrillic form of each entry; word-keyed mappings gain Cyrillic keys with the same value."""
    if isinstance(value, list):
        out = list(value)
        for item in value:
            cyr = to_cyrillic(item) if isinstance(item, str) else None
            if cyr and cyr not in out:
                out.append(cyr)
        return out
    if isinstance(value, dict):
        res: dict[str, Any] = {}
        for key, item in value.items():
            res[key] = extend(item) if isinstance(item, dict | list) and not _is_pair(item) else item
        for key in value:
            cyr = to_cyrillic(key) if word_keys else None
            if cyr and cyr not in res:
                res[cyr] = res[key]
        return res
    return value


def _is_pair(item: Any) -> bool:
    """A [low, high] or [unit, offset] value, which stays as it is."""
    return isinstance(item, list) and len(item) == 2 and not all(isinstance(x, str) for x in item)


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def main() -> None:
    for path in sorted(SR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        out = {k: (v if k in SKIP else extend(v, k in WORD_KEYED)) for k, v in data.items()}
        if isinstance(data.get("ago"), dict):
            ago = data["ago"]
            before = [b for b in _as_list(ago["before"]) if b]
            out["ago"] = {**ago, "before": extend(before) if before else "", "units": extend(ago["units"])}
        path.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
