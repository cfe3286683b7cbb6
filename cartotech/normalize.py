"""Text normalisation shared by every stage (pure functions, no I/O).

``normalize_name`` is the key used to compare names: case, accents,
punctuation, hyphens and repeated spaces do not matter, and the usual
abbreviations of French place names are expanded ("St" -> "saint").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["fold", "normalize_name", "name_tokens", "slugify"]

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# Abbreviations found in French place and organisation names, expanded so that
# "St-Étienne" and "Saint Etienne" compare equal.
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


#: Words and names this short are folded once and remembered: the extractor
#: folds the same words again and again; whole texts are not kept.
CACHED_FOLD_LENGTH = 64


def fold(text: str) -> str:
    """Lower-case ``text`` and strip accents and ligatures; keep everything else."""
    return _fold_short(text) if len(text) <= CACHED_FOLD_LENGTH else _fold(text)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


_fold_short = lru_cache(maxsize=65_536)(_fold)


def name_tokens(text: str) -> list[str]:
    """Split a name into folded alphanumeric tokens, abbreviations expanded."""
    tokens = _NON_ALNUM.split(fold(text))
    return [_ABBREVIATIONS.get(token, token) for token in tokens if token]


def normalize_name(text: str) -> str:
    """The comparison key of a name: folded tokens joined by single spaces.

    >>> normalize_name("  St-Étienne ")
    'saint etienne'
    """
    return " ".join(name_tokens(text))


def slugify(text: str) -> str:
    """A URL- and id-safe slug: ``"Boost in Lyon"`` -> ``"boost-in-lyon"``."""
    return "-".join(name_tokens(text))
