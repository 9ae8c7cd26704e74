"""Language knowledge as data: one folder per ISO 639-1 code (`lang/<iso>/*.json`), read by `synoptic.langdata`.

No Python here on purpose: adding a language is adding a folder (see docs/languages.md).
"""
