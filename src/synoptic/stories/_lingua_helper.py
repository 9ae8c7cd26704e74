"""lingua's language confidences over standard input and output, for `language_odds`.

Run as a script by `language_odds.Helper` (it imports lingua alone, never synoptic, so it starts in
milliseconds from any working directory). Each line of input is a JSON object: `{"preload": [ISO
639-1 codes]}` loads those languages' models now (no answer); `{"languages": [two codes], "text":
...}` is answered on one line with `{code: confidence}`, floats written in their exact `repr`. The
end of input ends it. `confidences` also serves the process that runs no helper.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from functools import cache
from typing import Any


def knows(language: str) -> bool:
    """Whether lingua has models for the language (an ISO 639-1 code)."""
    from lingua import IsoCode639_1

    return hasattr(IsoCode639_1, language.upper())


def builder(languages: Sequence[str]) -> Any:
    """lingua's detector builder for `languages` only (two at least)."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_iso_codes_639_1(*(getattr(IsoCode639_1, x.upper()) for x in languages))


@cache
def detector(languages: tuple[str, ...]) -> Any:
    """A detector choosing between `languages` only (lingua keeps each language's models once loaded)."""
    return builder(languages).build()


def confidences(text: str, languages: tuple[str, ...]) -> dict[str, float]:
    """lingua's confidence in each language for `text`, by lower-case ISO 639-1 code."""
    return {
        str(c.language.iso_code_639_1.name).lower(): c.value
        for c in detector(languages).compute_language_confidence_values(text)
    }


def preload(languages: list[str]) -> None:
    """Load the models of `languages` now (one detector over all of them, its models preloaded)."""
    if len(languages) >= 2:
        builder(languages).with_preloaded_language_models().build()


def main() -> None:
    for line in sys.stdin:
        request = json.loads(line)
        if "preload" in request:
            preload(request["preload"])
            continue
        answer = confidences(request["text"], tuple(request["languages"]))
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
