"""The vocabulary of actor names and aliases, which typo-tolerant search
corrects query words against (``search_terms`` table, rapidfuzz)."""

from __future__ import annotations

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from sqlalchemy import Connection, func, select

from cartotech.store.schema import search_terms

__all__ = ["Vocabulary", "vocabulary_of"]


class Vocabulary:
    """The folded terms of actor names and aliases, for typo correction.

    Candidate sets per word length (terms of similar length, and prefixes of
    longer terms) are built once per length and kept.
    """

    def __init__(self, terms: list[str]) -> None:
        self.by_length: dict[int, set[str]] = {}
        for term in terms:
            self.by_length.setdefault(len(term), set()).add(term)
        self._candidates: dict[tuple[int, int], list[str]] = {}

    def candidates(self, length: int, max_edits: int) -> list[str]:
        key = (length, max_edits)
        if key not in self._candidates:
            found: set[str] = set()
            for size in range(length - max_edits, length + max_edits + 1):
                found |= self.by_length.get(size, set())
            for size, terms in self.by_length.items():
                if size > length:
                    found.update(term[:length] for term in terms)
            self._candidates[key] = sorted(found)
        return self._candidates[key]

    def correct(self, word: str) -> list[str]:
        """Terms or term prefixes within one edit (two for words over 7 letters)."""
        max_edits = 1 if len(word) <= 7 else 2
        matches = process.extract(
            word,
            self.candidates(len(word), max_edits),
            scorer=Levenshtein.distance,
            score_cutoff=max_edits,
            limit=6,
        )
        return sorted(match for match, _distance, _index in matches if match != word)[:5]


_VOCABULARIES: dict[str, tuple[int, Vocabulary]] = {}


def vocabulary_of(conn: Connection) -> Vocabulary:
    """The vocabulary of this database, cached until a term is added.

    Terms are only ever added (``add_search_terms``), each under a new, higher id,
    so the highest id, read from the primary key's index, tells whether the cache
    is stale without counting the table on every corrected search. A term committed
    after one with a higher id (concurrent writers on PostgreSQL) is read at the
    next addition.
    """
    last = conn.execute(select(func.max(search_terms.c.id))).scalar_one()
    url = str(conn.engine.url)
    version = int(last or 0)
    cached = _VOCABULARIES.get(url)
    if cached is None or cached[0] != version:
        terms = list(conn.execute(select(search_terms.c.term)).scalars())
        cached = (version, Vocabulary(terms))
        _VOCABULARIES[url] = cached
    return cached[1]
