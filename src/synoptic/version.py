"""The package version, in the lowest layer so that every layer can name it (user agent, --version, API)."""

__version__ = "0.1.0"
