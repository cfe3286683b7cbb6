""" "Is this you?": the directory actors an organisation being presented may already be.

:func:`likely_duplicates_of` answers for many presentations at once (the
moderation queue shows the candidates of every pending presentation) with a
fixed number of statements, however many are asked:

1. the actors holding one of the SIRENs given (one statement);
2. the actors whose name or an alias contains a distinctive word of one of the
   names (one statement for all the words; the search index narrows it first:
   FTS5 trigrams on SQLite, pg_trgm on PostgreSQL), at most ``WORD_LIMIT`` per
   word, the likeliest first: a name or alias equal to a name asked, then the
   shortest names;
3. the words no actor's name contains are corrected against the vocabulary of
   actor names (typos: "Euratechnology" -> "euratechnologi"), and step 2 runs
   once more for the corrections (at most two statements).

Each presentation then keeps the actors that contain one of *its* words (or its
SIREN), scored by how alike the names are (rapidfuzz's token set ratio over the
actor's name and aliases), closer when in the same commune or département.
:func:`likely_duplicates` is the same for one presentation (the public form).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Integer,
    Select,
    bindparam,
    case,
    column,
    exists,
    func,
    or_,
    select,
    text,
)

from cartotech.domain.validation import clean_identifiers
from cartotech.geo import Referential
from cartotech.normalize import name_tokens, normalize_name
from cartotech.store.placement import Placement, place_on_territory
from cartotech.store.schema import actor_aliases, actor_identifiers, actors
from cartotech.store.vocabulary import vocabulary_of

__all__ = ["DuplicateCandidate", "DuplicateQuery", "likely_duplicates", "likely_duplicates_of"]

# The shortest word searched: the search index works on trigrams.
MIN_WORD = 3
# The most actors read for one word (the public form searches what a visitor types: a
# word many names share must not bring them all): the likeliest ones, see _closest_with.
WORD_LIMIT = 50
# Words too common in organisation names to find a duplicate by.
_COMMON_WORDS = {
    "sas", "sasu", "sarl", "eurl", "scop", "the", "les", "des", "and", "pour", "group",
    "groupe", "france", "french", "tech", "digital", "numerique", "association", "agence",
}  # fmt: skip


@dataclass(frozen=True)
class DuplicateQuery:
    """An organisation being presented, as the duplicate search reads it."""

    name: str
    territory_id: str | None = None
    siren: str | None = None


@dataclass(frozen=True)
class DuplicateCandidate:
    """An existing actor the form should show ("is this you?"), best first."""

    actor_id: int
    key: str
    name: str
    type: str
    territory_id: str | None
    score: float  # 0-100
    reasons: tuple[str, ...]


@dataclass
class _Known:
    """An actor found by a word or a SIREN, with the folded forms of its names."""

    id: int
    key: str
    name: str
    type: str
    territory_id: str | None
    commune_code: str | None
    departement_code: str | None
    forms: set[str] = field(default_factory=set)

    def contains(self, words: Iterable[str]) -> bool:
        return any(word in form for form in self.forms for word in words)


def _words(name: str) -> set[str]:
    """The words of ``name`` to find its duplicates by: the distinctive ones, or every
    word of three letters or more when the name has only common words."""
    words = {w for w in name_tokens(name) if len(w) >= MIN_WORD}
    return {w for w in words if w not in _COMMON_WORDS} or words


def _usable(corrections: list[str]) -> set[str]:
    """The corrections of a word worth searching (a common word would bring half the
    directory; the index needs three letters)."""
    return {c for c in corrections if len(c) >= MIN_WORD and c not in _COMMON_WORDS}


def _search_text_has_any(conn: Connection, words: Sequence[str]) -> ColumnElement[bool]:
    """The actor's folded search text contains one of ``words``, as the search index
    answers it (store.search matches *all* the words of a query; this, *any*)."""
    if conn.dialect.name == "sqlite":
        # Folded words are [0-9a-z] only: nothing to escape inside the quotes. Unique: a
        # statement holds one such match per word searched.
        match: BindParameter[str] = bindparam(
            "match", " OR ".join(f'"{w}"' for w in words), unique=True
        )
        fts = text("SELECT rowid FROM actor_fts WHERE actor_fts MATCH :match")
        return actors.c.id.in_(fts.bindparams(match).columns(column("rowid", Integer)))
    return or_(*(actors.c.search_text.contains(w, autoescape=True) for w in words))


def _name_or_alias(
    condition: Callable[[ColumnElement[str]], ColumnElement[bool]],
) -> ColumnElement[bool]:
    """``condition`` holds for the actor's folded name or one of its folded aliases."""
    # Under another name: the statement also joins every alias of the actors found.
    alias = actor_aliases.alias()
    aliased = exists().where(alias.c.actor_id == actors.c.id, condition(alias.c.alias_norm))
    return condition(actors.c.name_norm) | aliased


def _closest_with(conn: Connection, word: str, names: set[str]) -> Select[tuple[int]]:
    """The ids of the ``WORD_LIMIT`` actors whose name or an alias contains ``word`` that
    most likely are one of ``names`` (the folded names it was taken from): a name or
    alias equal to one of them first, then the shortest names."""
    has_word = _name_or_alias(lambda form: form.contains(word, autoescape=True))
    named = _name_or_alias(lambda form: form.in_(sorted(names)))
    return (
        select(actors.c.id)
        .where(_search_text_has_any(conn, [word]), has_word)
        .order_by(case((named, 0), else_=1), func.length(actors.c.name_norm), actors.c.id)
        .limit(WORD_LIMIT)
    )


def _find(
    conn: Connection, words: dict[str, set[str]], actor_ids: set[int], known: dict[int, _Known]
) -> None:
    """Add to ``known`` the actors ``actor_ids`` and, for each of ``words`` (each with the
    folded names it was taken from), the ``WORD_LIMIT`` actors whose name or an alias
    contains it most likely to be one of those names; one statement."""
    wanted = [actors.c.id.in_(_closest_with(conn, w, words[w])) for w in sorted(words)]
    if actor_ids:
        wanted.append(actors.c.id.in_(sorted(actor_ids)))
    if not wanted:
        return
    rows = conn.execute(
        select(
            actors.c.id, actors.c.key, actors.c.name, actors.c.type, actors.c.territory_id,
            actors.c.commune_code, actors.c.departement_code, actors.c.name_norm,
            actor_aliases.c.alias_norm,
        )
        .outerjoin(actor_aliases, actor_aliases.c.actor_id == actors.c.id)
        .where(or_(*wanted))
    )  # fmt: skip
    for row in rows:
        actor = known.get(row.id)
        if actor is None:
            actor = _Known(row.id, row.key, row.name, row.type, row.territory_id,
                           row.commune_code, row.departement_code, {row.name_norm})  # fmt: skip
            known[row.id] = actor
        if row.alias_norm:
            actor.forms.add(row.alias_norm)


def _same_siren(conn: Connection, sirens: set[str]) -> dict[str, set[int]]:
    """The actors holding each SIREN of ``sirens``; one statement."""
    if not sirens:
        return {}
    rows = conn.execute(
        select(actor_identifiers.c.value, actor_identifiers.c.actor_id).where(
            actor_identifiers.c.scheme == "siren", actor_identifiers.c.value.in_(sorted(sirens))
        )
    )
    holders: dict[str, set[int]] = {}
    for value, actor_id in rows:
        holders.setdefault(value, set()).add(actor_id)
    return holders


def _score(
    name: str, actor: _Known, same_siren: bool, placement: Placement | None
) -> tuple[float, list[str]]:
    folded = normalize_name(name)
    score = max(float(fuzz.token_set_ratio(folded, form)) for form in actor.forms)
    reasons = [f"name {score:.0f}% alike"]
    if same_siren:
        score, reasons = 100.0, ["same SIREN", *reasons]
    if placement is not None and placement.commune_code:
        if actor.commune_code == placement.commune_code:
            score, reasons = min(100.0, score + 10), [*reasons, "same commune"]
        elif actor.departement_code == placement.departement_code:
            score, reasons = min(100.0, score + 5), [*reasons, "same département"]
    return score, reasons


def _candidates(
    query: DuplicateQuery,
    words: set[str],
    siren_holders: set[int],
    known: dict[int, _Known],
    referential: Referential,
    *,
    limit: int,
    min_score: float,
) -> list[DuplicateCandidate]:
    placement = place_on_territory(query.territory_id, referential) if query.territory_id else None
    out = []
    for actor in known.values():
        if actor.id not in siren_holders and not actor.contains(words):
            continue
        score, reasons = _score(query.name, actor, actor.id in siren_holders, placement)
        if score >= min_score:
            out.append(
                DuplicateCandidate(actor.id, actor.key, actor.name, actor.type,
                                   actor.territory_id, score, tuple(reasons))
            )  # fmt: skip
    out.sort(key=lambda c: (-c.score, normalize_name(c.name), c.actor_id))
    return out[:limit]


def _names_by_word(words: list[set[str]], names: list[str]) -> dict[str, set[str]]:
    """Each word searched, with the folded names of the queries it belongs to."""
    found: dict[str, set[str]] = {}
    for query_words, name in zip(words, names, strict=True):
        for word in query_words:
            found.setdefault(word, set()).add(name)
    return found


def likely_duplicates_of(
    conn: Connection,
    queries: Sequence[DuplicateQuery],
    *,
    referential: Referential,
    limit: int = 5,
    min_score: float = 70.0,
) -> list[list[DuplicateCandidate]]:
    """For each of ``queries`` (in order), the actors that may be that organisation, best
    first; a fixed number of statements however many queries (see the module docstring)."""
    names = [normalize_name(q.name or "") for q in queries]
    words = [_words(q.name) if name else set() for q, name in zip(queries, names, strict=True)]
    sirens = [clean_identifiers(q.siren, None)[0] if q.siren else None for q in queries]
    holders = _same_siren(conn, {s for s in sirens if s})
    known: dict[int, _Known] = {}
    searched = _names_by_word(words, names)
    _find(conn, searched, set().union(*holders.values()), known)
    unmatched = {w for w in searched if not any(a.contains((w,)) for a in known.values())}
    if unmatched:
        vocabulary = vocabulary_of(conn)
        corrections = {w: _usable(vocabulary.correct(w)) for w in sorted(unmatched)}
        words = [ws.union(*(corrections.get(w, set()) for w in ws)) for ws in words]
        corrected = _names_by_word(words, names)
        _find(conn, {w: corrected[w] for w in corrected.keys() - searched.keys()}, set(), known)
    return [
        _candidates(query, query_words, holders.get(siren or "", set()), known, referential,
                    limit=limit, min_score=min_score)
        if query_words or siren else []
        for query, query_words, siren in zip(queries, words, sirens, strict=True)
    ]  # fmt: skip


def likely_duplicates(
    conn: Connection,
    name: str,
    territory_id: str | None = None,
    *,
    referential: Referential,
    siren: str | None = None,
    limit: int = 5,
    min_score: float = 70.0,
) -> list[DuplicateCandidate]:
    """Actors that may be the organisation being presented: same SIREN, or a name or
    alias with one of its distinctive words (typos corrected) close to ``name``; closer
    when in the same commune or département."""
    query = DuplicateQuery(name, territory_id, siren)
    return likely_duplicates_of(
        conn, [query], referential=referential, limit=limit, min_score=min_score
    )[0]
