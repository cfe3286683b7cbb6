"""Language of a document: ``fr``, ``en`` or ``other`` (lingua, built once).

The detector knows French and English plus five neighbours (German, Spanish,
Italian, Dutch, Portuguese), so that an article in one of those comes out as
"other" instead of being forced into French or English. It is built on first
use and kept for the process: about 1 s and 200 MB with the high-accuracy
models preloaded (measured on the project's 2-core machine).
"""

from __future__ import annotations

import re
from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

__all__ = ["MIN_LETTERS", "declared_language", "detect_language", "get_language_detector"]

#: Below this many letters a text is "other": too short to tell reliably.
MIN_LETTERS = 20
# Enough text to decide; longer articles are cut at a space before this.
_SAMPLE_CHARS = 5_000
_CANDIDATES = (
    Language.FRENCH,
    Language.ENGLISH,
    Language.GERMAN,
    Language.SPANISH,
    Language.ITALIAN,
    Language.DUTCH,
    Language.PORTUGUESE,
)
_CODES = {Language.FRENCH: "fr", Language.ENGLISH: "en"}


@cache
def get_language_detector() -> LanguageDetector:
    """The process-wide detector (built once; ~1 s, ~200 MB)."""
    return (
        LanguageDetectorBuilder.from_languages(*_CANDIDATES)
        .with_preloaded_language_models()
        .build()
    )


def _sample(text: str) -> str:
    if len(text) <= _SAMPLE_CHARS:
        return text
    cut = text.rfind(" ", 0, _SAMPLE_CHARS)
    return text[: cut if cut > 0 else _SAMPLE_CHARS]


def detect_language(text: str) -> str:
    """``"fr"``, ``"en"`` or ``"other"`` for ``text``.

    Empty and short texts (fewer than :data:`MIN_LETTERS` letters) are
    "other", as is any language but French and English.
    """
    if sum(char.isalpha() for char in text[:_SAMPLE_CHARS]) < MIN_LETTERS:
        return "other"
    language = get_language_detector().detect_language_of(_sample(text))
    return _CODES.get(language, "other") if language is not None else "other"


def declared_language(code: str) -> str | None:
    """A language a source declares (``fr``, ``fr-FR``, ``en_GB``, ``de``...) as
    ``fr``, ``en`` or ``other``; ``None`` when it is not a language tag."""
    primary = re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]
    if not re.fullmatch(r"[a-z]{2,3}", primary):
        return None
    return {"fr": "fr", "fre": "fr", "fra": "fr", "en": "en", "eng": "en"}.get(primary, "other")
