"""Every error Synoptic raises, in one place, each with a stable code users can search for."""

from __future__ import annotations

from collections.abc import Iterable


class SynopticError(Exception):
    """Base class; `code` is stable across releases (E001, E002, ...)."""

    code = "E000"

    def __str__(self) -> str:
        return f"[{self.code}] {super().__str__()}"


class UnsupportedLanguageError(SynopticError):
    """A language has no data files; the message lists the supported ones."""

    code = "E001"

    def __init__(self, language: str, supported: Iterable[str]) -> None:
        self.language = language
        self.supported = tuple(sorted(supported))
        super().__init__(f"language {language!r} is not supported; supported: {', '.join(self.supported)}")


class PipelineError(SynopticError):
    """A pipeline is mis-assembled (a stage needs a layer no earlier stage provides) or a stage misbehaved."""

    code = "E002"


class ReadError(SynopticError):
    """An input could not be read as an article; the message is the rejection reason."""

    code = "E003"


class StoreError(SynopticError):
    """The store cannot be opened or migrated (a newer schema, a corrupt file)."""

    code = "E004"


class SettingsError(SynopticError):
    """A setting has an invalid value."""

    code = "E005"


class NoArticlesError(SynopticError):
    """Nothing among the inputs could be analysed."""

    code = "E006"


class OutputError(SynopticError):
    """An output file (the analysis JSON, a report) could not be written (a full disk, no permission)."""


class LanguageDataError(SynopticError):
    """A supported language's data folder lacks a resource file or a required key."""

    code = "E007"
