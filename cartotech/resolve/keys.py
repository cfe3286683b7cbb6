"""The keys names are compared by when linking mentions to actors (pure functions).

Each resolver method looks a key of the mention up among the same key of every
directory name (see :mod:`cartotech.resolve.linking`):

- :func:`exact_key`: the string as written, Unicode-composed, spaces collapsed;
- :func:`folded_keys`: case, accents, punctuation and spaces folded, a leading
  article and trailing legal forms dropped, spaced and compact ("bpi france",
  "bpifrance");
- :func:`acronym_key` (a form that starts with an acronym in capitals: "CCI Lyon")
  and :func:`acronym_expansions` (a spelt-out form reduced to its initials:
  "Chambre de commerce et d'industrie de Lyon"), which meet on "cci lyon";
- :func:`fuzzy_key`, :func:`sorted_words` and :func:`block_keys`: the folded name
  compared fuzzily, its words sorted, and the blocking keys that choose which names
  it is compared with.

Forms longer than :data:`MAX_NAME_LENGTH` are not names: they get only an exact key.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Final

from cartotech.normalize import fold, name_tokens

__all__ = [
    "MAX_NAME_LENGTH",
    "SHORT_NAME_LENGTH",
    "acronym_expansions",
    "acronym_key",
    "block_keys",
    "exact_key",
    "folded_keys",
    "fuzzy_key",
    "is_short",
    "sorted_words",
]

#: Names with at most this many letters and digits link only exactly.
SHORT_NAME_LENGTH: Final = 3
#: Longer forms are not names; they are compared exactly, never folded or fuzzily.
MAX_NAME_LENGTH: Final = 300
#: Acronyms are at most this many letters.
MAX_ACRONYM_LENGTH: Final = 8

_ARTICLES = frozenset({"le", "la", "les", "l", "the"})
_LEGAL_FORMS = frozenset(
    {"sa", "sas", "sasu", "sarl", "eurl", "sci", "scop", "scic", "snc", "inc", "ltd", "llc"}
    | {"gmbh", "plc", "corp", "bv", "ag", "spa", "srl"}
)
_STOPWORDS = _ARTICLES | frozenset(
    {"de", "du", "des", "d", "et", "en", "au", "aux", "a", "pour", "sur"}
    | {"of", "and", "for", "in", "on", "at"}
)
_WORD = re.compile(r"[^\W_]+")


def exact_key(text: str) -> str:
    """The string as written, Unicode-composed, with its spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def is_short(key: str) -> bool:
    """Whether a key has at most :data:`SHORT_NAME_LENGTH` letters and digits."""
    return len(key.replace(" ", "")) <= SHORT_NAME_LENGTH


def folded_keys(text: str) -> set[str]:
    """The keys a folded match compares: spaced and compact ("bpi france",
    "bpifrance"), with and without the article ("the camp" -> "thecamp").

    >>> sorted(folded_keys("La French-Tech Toulouse SAS"))
    ['french tech toulouse', 'frenchtechtoulouse', 'lafrenchtechtoulousesas']
    """
    if len(text) > MAX_NAME_LENGTH:
        return set()
    tokens = name_tokens(text)
    stripped = _strip(tokens)
    return {" ".join(stripped), "".join(stripped), "".join(tokens)} - {""}


def fuzzy_key(text: str) -> str | None:
    """The folded, stripped name compared fuzzily, or ``None`` for short or huge forms."""
    if len(text) > MAX_NAME_LENGTH:
        return None
    key = " ".join(_strip(name_tokens(text)))
    return None if is_short(key) else key


def sorted_words(key: str) -> str:
    """The words of a key in alphabetical order ("lyon french tech" -> "french lyon tech")."""
    return " ".join(sorted(key.split()))


def acronym_expansions(text: str) -> set[str]:
    """Keys of a long form with its first words reduced to their initials.

    >>> sorted(acronym_expansions("Chambre de commerce et d'industrie de Lyon"))
    ['cc industrie lyon', 'cci lyon', 'ccil']
    """
    if len(text) > MAX_NAME_LENGTH:
        return set()
    words = _significant(_strip(name_tokens(text)))
    keys = set()
    for size in range(2, min(len(words), MAX_ACRONYM_LENGTH) + 1):
        head = words[:size]
        if not all(word.isalpha() and len(word) >= 2 for word in head):
            break
        keys.add(" ".join(["".join(word[0] for word in head), *words[size:]]))
    return keys


def acronym_key(text: str) -> str | None:
    """The key of a form that starts with an acronym written in capitals
    ("la CCI de Lyon" -> "cci lyon"), else ``None``.

    >>> acronym_key("la C.C.I. de Lyon"), acronym_key("Cci Lyon")
    ('cci lyon', None)
    """
    if len(text) > MAX_NAME_LENGTH:
        return None
    # Dots go first so that "C.C.I." reads as "CCI".
    words = _WORD.findall(text.replace(".", ""))
    while words and fold(words[0]) in _ARTICLES:
        words = words[1:]
    if not words:
        return None
    head = words[0]
    if not (2 <= len(head) <= MAX_ACRONYM_LENGTH and head.isalpha() and head.isupper()):
        return None
    rest = _significant(_strip(name_tokens(" ".join(words[1:]))))
    return " ".join([fold(head), *rest])


def block_keys(key: str) -> set[str]:
    """Blocking keys of a folded name: its words, and each word with one letter
    deleted, so that one typo per word still shares a key: "statoin" and
    "station" both give "statin", "nubo" and "nubbo" both give "nubo"."""
    keys = set()
    for word in key.split():
        if len(word) < 3 or word in _STOPWORDS:
            continue
        keys.add(word)
        if len(word) >= 4:
            keys.update(word[:i] + word[i + 1 :] for i in range(len(word)))
    return keys


def _strip(tokens: list[str]) -> list[str]:
    """Drop a leading article and trailing legal forms, never every token."""
    start = 1 if len(tokens) > 1 and tokens[0] in _ARTICLES else 0
    end = len(tokens)
    while end - start > 1 and tokens[end - 1] in _LEGAL_FORMS:
        end -= 1
    return tokens[start:end]


def _significant(tokens: Iterable[str]) -> list[str]:
    return [token for token in tokens if token not in _STOPWORDS]
