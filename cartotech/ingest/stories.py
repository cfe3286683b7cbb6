"""Stories: documents that tell the same thing, linked rather than dropped.

A :class:`StoryIndex` is fed documents one at a time (in ingestion order)
and says for each whether it starts a new story or joins one as

- an **exact** duplicate: the same normalised text (same ``content_hash``);
- a **near** duplicate: same language, MinHash-estimated Jaccard of word
  shingles at least ``near_threshold`` (candidates found by MinHashLSH);
- a **cross-language** duplicate: another language, weighted Jaccard of the
  language-independent signatures (numbers, dates, names) at least
  ``cross_threshold``, sharing at least ``MIN_SHARED_FACTS`` numbers or dates.

Thresholds, measured on the five seed articles (``similarity``):

- near: different articles in one language score <= 0.016; a seed with 5 % of
  its words replaced scores 0.75, 10 % -> 0.58 (MinHash estimate 0.50-0.59),
  20 % -> 0.35; re-published with a new headline, a byline and one word in 25
  changed, 0.69-0.78. ``0.5`` takes re-publications with up to about 8-10 % of
  the words changed and stays 30 times above the best wrong pair.
- cross: the seed pair told in French and English (001, 004) scores 0.75;
  every other pair <= 0.071. ``0.3`` is four times the best wrong pair and
  leaves room for looser translations.

A story's id is ``story-`` and the first 16 hex digits of the content hash of
the document that started it; a story never changes id or merges with another
once given. The index holds one :class:`StoryEntry` of plain data per distinct
text; ``entries``/``from_entries`` (or ``export_state``/``from_state``) let a
store persist it and resume.

What a store must do with it (the store stage is not written yet):

- persist one row per :class:`StoryEntry` (``to_dict()``) with its insertion
  order, and reload with ``from_entries`` in that order: story assignment
  depends on order. Keep the ``export_state()`` parameters too; ``from_state``
  refuses a state built with other ones;
- one transaction per document: ``index.match(doc)``, write the document with
  its :class:`StoryMatch`, and only after the commit ``index.insert(entry)``,
  so a rolled-back document leaves no trace in memory;
- exact duplicates return ``entry=None`` and add nothing (re-ingesting is a
  no-op); extract facts only from documents that start a story, so nothing is
  extracted twice;
- resume per file: keep each file's resolved path, size and mtime (or a hash
  of its bytes) with a done mark, and skip finished files on the next run.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import Any

from datasketch import MinHash, MinHashLSH

from cartotech.domain.documents import Document
from cartotech.ingest.signatures import (
    FACT_WEIGHT,
    MINHASH_SCHEME,
    NUM_PERM,
    SHINGLE_WORDS,
    is_fact,
    minhash_from_values,
    minhash_of,
    shingles,
    signature_similarity,
    signature_weight,
    story_signature,
)

__all__ = [
    "CROSS_THRESHOLD",
    "MIN_SHARED_FACTS",
    "NEAR_THRESHOLD",
    "StoryEntry",
    "StoryIndex",
    "StoryKind",
    "StoryMatch",
    "StorySimilarity",
    "similarity",
]

NEAR_THRESHOLD = 0.5
CROSS_THRESHOLD = 0.3
#: A cross-language match must share at least this many numbers or dates.
MIN_SHARED_FACTS = 2
#: Fewer shingles than this: too short to call a near duplicate (exact only).
MIN_SHINGLES = 8
#: Changes whenever the signatures change: saved states of another version are refused.
SIGNATURE_VERSION = 1
# Numbers or dates that many documents share ("2019") do not propose candidates.
_MAX_POSTINGS = 500


class StoryKind(StrEnum):
    NEW = "new"
    EXACT = "exact"
    NEAR = "near"
    CROSS_LANGUAGE = "cross_language"


@dataclass(frozen=True)
class StoryEntry:
    """What the index keeps of one distinct text (plain data, for a store)."""

    content_hash: str
    story_id: str
    lang: str
    minhash: tuple[int, ...] = field(repr=False)  # empty: too short for near duplicates
    signature: frozenset[str] = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "content_hash": self.content_hash,
            "story_id": self.story_id,
            "lang": self.lang,
            "minhash": list(self.minhash),
            "signature": sorted(self.signature),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StoryEntry:
        return cls(
            content_hash=str(data["content_hash"]),
            story_id=str(data["story_id"]),
            lang=str(data["lang"]),
            minhash=tuple(int(value) for value in data["minhash"]),
            signature=frozenset(str(token) for token in data["signature"]),
        )


@dataclass(frozen=True)
class StoryMatch:
    """The outcome of adding a document.

    ``matched_hash`` is the content hash of the document it was found like
    (``None`` when new), ``score`` the similarity that decided (1.0 for exact,
    0.0 for new). ``entry`` is what the index added (``None`` for an exact
    duplicate, which adds nothing): persist it to resume later.
    """

    kind: StoryKind
    story_id: str
    matched_hash: str | None = None
    score: float = 0.0
    entry: StoryEntry | None = field(default=None, repr=False)


@dataclass(frozen=True)
class StorySimilarity:
    """How alike two documents are: shingle Jaccard and signature similarity."""

    near: float
    cross: float


def similarity(first: Document, second: Document) -> StorySimilarity:
    """The exact measures the index estimates (for thresholds and reports)."""
    one, two = shingles(first.text), shingles(second.text)
    near = len(one & two) / len(one | two) if one | two else 0.0
    cross = signature_similarity(story_signature(first.text), story_signature(second.text))
    return StorySimilarity(near=near, cross=cross)


@cache
def _lsh_bands(threshold: float) -> tuple[int, int]:
    """LSH bands and rows for ``threshold`` (datasketch integrates them: ~20 ms, once)."""
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    return lsh.b, lsh.r


def _entry_for(document: Document, story_id: str) -> StoryEntry:
    found = shingles(document.text)
    minhash = minhash_of(found) if len(found) >= MIN_SHINGLES else None
    return StoryEntry(
        content_hash=document.content_hash,
        story_id=story_id,
        lang=document.lang,
        minhash=tuple(int(value) for value in minhash.hashvalues) if minhash else (),
        signature=story_signature(document.text),
    )


class StoryIndex:
    """In-memory index of the stories seen so far (see the module's docstring)."""

    def __init__(
        self, *, near_threshold: float = NEAR_THRESHOLD, cross_threshold: float = CROSS_THRESHOLD
    ) -> None:
        self.near_threshold = near_threshold
        self.cross_threshold = cross_threshold
        self._entries: dict[str, StoryEntry] = {}
        self._order: dict[str, int] = {}
        self._minhashes: dict[str, MinHash] = {}
        self._lsh: dict[str, MinHashLSH] = {}
        self._postings: dict[str, list[str]] = defaultdict(list)
        self._weights: dict[str, float] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, content_hash: object) -> bool:
        return content_hash in self._entries

    def story_of(self, content_hash: str) -> str | None:
        """The story of a text already in the index."""
        entry = self._entries.get(content_hash)
        return entry.story_id if entry else None

    def add(self, document: Document) -> StoryMatch:
        """Place ``document`` in a story (exact, near, cross-language or new) and keep it."""
        match = self.match(document)
        if match.entry is not None:
            self.insert(match.entry)
        return match

    def match(self, document: Document) -> StoryMatch:
        """Where ``document`` would go, without keeping it (see :meth:`insert`).

        For a store that writes each document in its own transaction: match,
        write the document and ``match.entry``, and ``insert`` the entry once
        the write committed, so that a rolled-back document leaves no trace.
        """
        known = self._entries.get(document.content_hash)
        if known is not None:
            return StoryMatch(StoryKind.EXACT, known.story_id, known.content_hash, 1.0)
        fresh = _entry_for(document, story_id="")
        found = self._near(fresh) or self._cross(fresh)
        if found is None:
            found = StoryMatch(StoryKind.NEW, f"story-{document.content_hash[:16]}")
        entry = StoryEntry(
            fresh.content_hash, found.story_id, fresh.lang, fresh.minhash, fresh.signature
        )
        return StoryMatch(found.kind, found.story_id, found.matched_hash, found.score, entry)

    def insert(self, entry: StoryEntry) -> None:
        """Keep ``entry`` (from :meth:`match`, or reloaded); a text already kept is ignored."""
        if entry.content_hash not in self._entries:
            self._insert(entry)

    def _best(self, kind: StoryKind, scored: Iterable[tuple[float, str]]) -> StoryMatch | None:
        # Highest score first, then the earliest document: stable across runs.
        ranked = sorted(scored, key=lambda pair: (-pair[0], self._order[pair[1]]))
        if not ranked:
            return None
        score, content_hash = ranked[0]
        return StoryMatch(kind, self._entries[content_hash].story_id, content_hash, score)

    def _near(self, entry: StoryEntry) -> StoryMatch | None:
        lsh = self._lsh.get(entry.lang)
        if not entry.minhash or lsh is None:
            return None
        minhash = minhash_from_values(list(entry.minhash))
        scored = []
        for candidate in lsh.query(minhash):
            score = float(minhash.jaccard(self._minhashes[candidate]))
            if score >= self.near_threshold:
                scored.append((score, candidate))
        return self._best(StoryKind.NEAR, scored)

    def _cross(self, entry: StoryEntry) -> StoryMatch | None:
        shared: Counter[str] = Counter()
        for token in entry.signature:
            postings = self._postings.get(token, ())
            if is_fact(token) and len(postings) <= _MAX_POSTINGS:
                shared.update(postings)
        scored = []
        weight = signature_weight(entry.signature)
        for candidate, count in shared.items():
            other = self._entries[candidate]
            if count < MIN_SHARED_FACTS or other.lang == entry.lang:
                continue
            weights = (weight, self._weights[candidate])
            score = signature_similarity(entry.signature, other.signature, weights=weights)
            if score >= self.cross_threshold:
                scored.append((score, candidate))
        return self._best(StoryKind.CROSS_LANGUAGE, scored)

    def _insert(self, entry: StoryEntry) -> None:
        self._entries[entry.content_hash] = entry
        self._order[entry.content_hash] = len(self._order)
        self._weights[entry.content_hash] = signature_weight(entry.signature)
        if entry.minhash:
            minhash = minhash_from_values(list(entry.minhash))
            self._minhashes[entry.content_hash] = minhash
            if entry.lang not in self._lsh:
                self._lsh[entry.lang] = MinHashLSH(
                    num_perm=NUM_PERM, params=_lsh_bands(self.near_threshold)
                )
            self._lsh[entry.lang].insert(entry.content_hash, minhash)
        for token in entry.signature:
            if is_fact(token):
                self._postings[token].append(entry.content_hash)

    def entries(self) -> list[StoryEntry]:
        """Every entry, in the order they were added."""
        return list(self._entries.values())

    @classmethod
    def from_entries(
        cls,
        entries: Iterable[StoryEntry],
        *,
        near_threshold: float = NEAR_THRESHOLD,
        cross_threshold: float = CROSS_THRESHOLD,
    ) -> StoryIndex:
        """An index holding ``entries`` (in their order), as a store reloads it."""
        index = cls(near_threshold=near_threshold, cross_threshold=cross_threshold)
        for entry in entries:
            index.insert(entry)
        return index

    def export_state(self) -> dict[str, Any]:
        """The whole index as plain data (JSON-ready), with what it was built with."""
        return {
            **_parameters(self),
            "entries": [entry.to_dict() for entry in self._entries.values()],
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> StoryIndex:
        """The index ``export_state`` saved; ValueError if built by other signatures."""
        expected = _parameters(cls())
        for key in ("signature_version", "shingle_words", "num_perm", "minhash_scheme"):
            if state.get(key) != expected[key]:
                raise ValueError(
                    f"story index state has {key}={state.get(key)!r}, this version uses "
                    f"{expected[key]!r}: rebuild the index from the documents"
                )
        entries = [StoryEntry.from_dict(data) for data in state.get("entries", [])]
        return cls.from_entries(
            entries,
            near_threshold=float(state["near_threshold"]),
            cross_threshold=float(state["cross_threshold"]),
        )


def _parameters(index: StoryIndex) -> dict[str, Any]:
    return {
        "signature_version": SIGNATURE_VERSION,
        "shingle_words": SHINGLE_WORDS,
        "num_perm": NUM_PERM,
        "minhash_scheme": MINHASH_SCHEME,
        "fact_weight": FACT_WEIGHT,
        "near_threshold": index.near_threshold,
        "cross_threshold": index.cross_threshold,
    }
