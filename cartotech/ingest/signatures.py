"""Signatures that tell when two documents tell the same story (pure functions).

- **Word shingles + MinHash** for near duplicates in one language: the folded
  words of the text taken ``SHINGLE_WORDS`` at a time, summarised by a
  ``NUM_PERM``-permutation MinHash whose agreement estimates their Jaccard.
- **A language-independent signature** for the same story told in another
  language: the numbers (``1 990``, ``1,990`` and ``1990`` are ``n:1990``;
  ``1,2`` and ``1.2`` are ``n:1.2``), the dates (``3 avril 2019`` and
  ``April 3, 2019`` are ``d:2019-04-03``, plus ``d:--04-03`` that matches the
  same day written without its year) and the words written with a capital
  inside a sentence (proper names, folded: ``p:marseille``). Compared by a
  weighted Jaccard where numbers and dates ("facts") weigh ``FACT_WEIGHT`` and
  names 1.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Set
from typing import Literal

import numpy as np
from datasketch import MinHash

from cartotech.ingest.dates import find_dates
from cartotech.normalize import fold, name_tokens

__all__ = [
    "FACT_WEIGHT",
    "MINHASH_SCHEME",
    "NUM_PERM",
    "SHINGLE_WORDS",
    "is_fact",
    "minhash_from_values",
    "minhash_of",
    "shingles",
    "signature_similarity",
    "story_signature",
]

#: Words per shingle for near duplicates.
SHINGLE_WORDS = 3
#: MinHash permutations (estimate error about 1/sqrt(128) = 0.09 at worst, far less near 1).
NUM_PERM = 128
#: Weight of a number or a date token in the cross-language signature (names weigh 1).
FACT_WEIGHT = 2.0
#: datasketch's hashing scheme (32-bit values: each fits a plain int anywhere).
MINHASH_SCHEME: Literal["affine32"] = "affine32"
_SEED = 1

_WORD = re.compile(r"\w+")
# A number with thousands groups ("1 990", "1,990", "1.990", "12 500 000") and
# an optional decimal part, or plain digits with an optional decimal part.
_NUMBER = re.compile(
    r"(?<![\w.,])(?:\d{1,3}(?:[ .,]\d{3})+(?!\d)|\d+)(?:[.,]\d+(?![.,]?\d))?(?!\w)"
)
_GROUPED = re.compile(r"(\d{1,3}(?:[ .,]\d{3})+)([.,]\d+)?|(\d+)([.,]\d+)?")
# A word that may carry a name: letters, inner apostrophes and hyphens.
_NAME_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")
# What can open a sentence before its first word (so its capital says nothing).
_OPENERS = " \t\"'«“‘(["
_SENTENCE_ENDS = ".!?…\n:;"
_MIN_NAME_CHARS = 3


def shingles(text: str) -> set[str]:
    """The folded word ``SHINGLE_WORDS``-grams of ``text`` (the whole text if shorter)."""
    words = _WORD.findall(fold(text))
    if len(words) <= SHINGLE_WORDS:
        return {" ".join(words)} if words else set()
    return {
        " ".join(words[index : index + SHINGLE_WORDS])
        for index in range(len(words) - SHINGLE_WORDS + 1)
    }


def minhash_of(text: str) -> MinHash:
    """The MinHash of ``text``'s shingles (deterministic: fixed seed and hash)."""
    minhash = MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=MINHASH_SCHEME)
    minhash.update_batch([shingle.encode("utf-8") for shingle in sorted(shingles(text))])
    return minhash


def minhash_from_values(values: list[int]) -> MinHash:
    """A MinHash rebuilt from its ``hashvalues`` (as saved by the story index)."""
    hashvalues = np.array(values, dtype=np.uint32)
    return MinHash(num_perm=NUM_PERM, seed=_SEED, hashvalues=hashvalues, scheme=MINHASH_SCHEME)


def _number(text: str) -> str:
    match = _GROUPED.fullmatch(text)
    if match is None:  # the pattern accepts what _NUMBER finds
        return text
    whole = re.sub(r"[ .,]", "", match.group(1) or match.group(3))
    decimals = (match.group(2) or match.group(4) or "")[1:].rstrip("0")
    whole = whole.lstrip("0") or "0"
    return f"{whole}.{decimals}" if decimals else whole


def _starts_sentence(text: str, start: int) -> bool:
    before = text[:start].rstrip(_OPENERS)
    return not before or before[-1] in _SENTENCE_ENDS


def story_signature(text: str) -> frozenset[str]:
    """The language-independent signature of ``text``: ``n:``, ``d:`` and ``p:`` tokens."""
    tokens: set[str] = set()
    masked = text
    for mention in find_dates(text):
        tokens.add(f"d:{mention.value}")
        if len(mention.value) == len("2019-04-03"):
            tokens.add(f"d:--{mention.value[5:]}")
        span = mention.end - mention.start
        masked = masked[: mention.start] + " " * span + masked[mention.end :]
    tokens.update(f"n:{_number(match.group())}" for match in _NUMBER.finditer(masked))
    for match in _NAME_WORD.finditer(masked):
        word = match.group()
        if word[0].isupper() and not _starts_sentence(masked, match.start()):
            tokens.update(
                f"p:{token}" for token in name_tokens(word) if len(token) >= _MIN_NAME_CHARS
            )
    return frozenset(tokens)


def is_fact(token: str) -> bool:
    """Whether a signature token is a number or a date (not a name)."""
    return token.startswith(("n:", "d:"))


def _weight(tokens: Iterable[str]) -> float:
    return sum(FACT_WEIGHT if is_fact(token) else 1.0 for token in tokens)


def signature_similarity(first: Set[str], second: Set[str]) -> float:
    """Weighted Jaccard of two signatures: shared weight over total weight (0 if empty)."""
    union = _weight(first | second)
    return _weight(first & second) / union if union else 0.0
