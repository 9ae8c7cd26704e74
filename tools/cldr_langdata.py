"""Write the CLDR-derived parts of every language's data files (lang/<iso>/*.json) from Babel.

Generated, never hand-edited: `timex.json` `ago` (the words of "3 days ago" / "vor 3 Tagen" /
"3 дня назад": CLDR's relative-time past patterns for day, month, year in every plural form), and
`quantities.json` `group` / `decimal` (CLDR number symbols; a no-break or narrow space is written
as a plain space, which the quantity reader treats as any space). Month and weekday names,
country names and exemplar cities are read from CLDR at run time instead (annotate/timex.py,
annotate/gazetteer.py), so they are not copied here.

Run: `python tools/cldr_langdata.py` (after adding a language folder with its language.json).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import babel

LANG = Path(__file__).resolve().parents[1] / "src" / "synoptic" / "lang"
UNITS = ("day", "month", "year")
SPACES = "\u00a0\u202f "


def _ago(locales: list[str]) -> dict[str, Any]:
    """{"before": [...], "after": [...], "units": {unit: [forms]}} from CLDR's past patterns."""
    before: list[str] = []
    after: list[str] = []
    units: dict[str, list[str]] = {u: [] for u in UNITS}
    for code in locales:
        fields = babel.Locale.parse(code)._data["date_fields"]
        for unit in UNITS:
            for pattern in fields[unit]["past"].values():
                head, _sep, tail = pattern.partition("{0}")
                words = tail.split()
                if not words:
                    continue
                _add(units[unit], words[0])
                _add(before, head.strip())
                _add(after, " ".join(words[1:]))
    return {"before": before, "after": after, "units": units}


def _add(items: list[str], word: str) -> None:
    if word and word not in items:
        items.append(word)


def _rewrite(path: Path, key: str, value: Any) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    data[key] = value
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    for folder in sorted(p for p in LANG.iterdir() if p.is_dir() and len(p.name) == 2):
        info = json.loads((folder / "language.json").read_text(encoding="utf-8"))
        locales: list[str] = info["cldr_locales"]
        _rewrite(folder / "timex.json", "ago", _ago(locales))
        symbols = babel.Locale.parse(locales[0]).number_symbols["latn"]
        group = " " if symbols["group"] in SPACES else symbols["group"]
        _rewrite(folder / "quantities.json", "group", group)
        _rewrite(folder / "quantities.json", "decimal", symbols["decimal"])


if __name__ == "__main__":
    main()
