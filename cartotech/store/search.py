"""Actor search: folded substring matching, typo correction, facets.

How it works, identically on SQLite and PostgreSQL:

1. The query is folded into words (``normalize_name``). Every word of three
   letters or more must occur in the actor's folded ``search_text`` (names,
   aliases, descriptions, sectors, place names): FTS5's trigram index answers
   that on SQLite, a pg_trgm GIN index on PostgreSQL. Both are substring
   matches, so "bordeau" finds Bordeaux and "euratech" Euratechnologies.
2. When nothing matches, each word is corrected against the vocabulary of
   actor names (``search_terms``) with rapidfuzz: the closest terms, or
   term prefixes, within one or two edits ("euratechnology" ->
   "euratechnologi"), and the search runs again with them.
3. Results are ranked by how the folded name (or an alias) matches the
   query — equal, starts with, contains, elsewhere — then by name and id, a
   total order both databases compute the same way.
4. Facets count the matches by type, sector, région, département, EPCI and
   label programme;
   each facet ignores its own filter, so the other values stay visible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    and_,
    bindparam,
    case,
    column,
    exists,
    func,
    or_,
    select,
    text,
    true,
)

from cartotech.errors import InputError
from cartotech.geo import Referential
from cartotech.normalize import name_tokens
from cartotech.store.labels import label_condition, label_coverage, label_programmes
from cartotech.store.schema import actor_aliases, actor_sectors, actors, search_terms
from cartotech.store.territories import territory_condition

__all__ = [
    "ActorQuery",
    "SearchResult",
    "search_actors",
    "count_by_territory",
    "actor_points",
    "FACETS",
    "SORTS",
]

MIN_WORD = 3
FACETS = ("type", "sector", "region", "departement", "epci", "label")
SORTS = ("relevance", "name", "updated")
_FACET_COLUMNS = {
    "type": actors.c.type,
    "region": actors.c.region_code,
    "departement": actors.c.departement_code,
    "epci": actors.c.epci_code,
}


@dataclass(frozen=True)
class ActorQuery:
    """What to search for. Empty fields do not filter."""

    text: str = ""
    types: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    departements: tuple[str, ...] = ()
    epcis: tuple[str, ...] = ()
    territory_id: str | None = None
    # Label programme keys: actors holding one, or placed in a territory holding one.
    labels: tuple[str, ...] = ()
    sort: str = "relevance"
    limit: int = 20
    offset: int = 0
    with_facets: bool = True


@dataclass
class SearchResult:
    items: list[dict[str, Any]]
    total: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    # The words actually searched when typos were corrected, else None.
    corrected: str | None = None


def _word_condition(conn: Connection, alternatives: Sequence[str]) -> ColumnElement[bool]:
    """Actors whose search text contains one of ``alternatives`` (folded words)."""
    if conn.dialect.name == "sqlite":
        match = " OR ".join(f'"{word}"' for word in alternatives)
        fts = text("SELECT rowid FROM actor_fts WHERE actor_fts MATCH :match")
        # A unique parameter: several of these subqueries go into one statement.
        fts = fts.bindparams(bindparam("match", match, unique=True))
        return actors.c.id.in_(fts.columns(column("rowid", Integer)))
    return or_(*(actors.c.search_text.contains(word, autoescape=True) for word in alternatives))


def _text_condition(
    conn: Connection, words: list[str], phrase: str, corrections: dict[str, list[str]]
) -> ColumnElement[bool]:
    long_words = [w for w in words if len(w) >= MIN_WORD]
    if not long_words:
        # Only short words ("M", "3D"): match names and aliases from their start.
        alias_match = exists().where(
            actor_aliases.c.actor_id == actors.c.id,
            actor_aliases.c.alias_norm.startswith(phrase, autoescape=True),
        )
        return or_(actors.c.name_norm.startswith(phrase, autoescape=True), alias_match)
    return and_(*(_word_condition(conn, [w, *corrections.get(w, [])]) for w in long_words))


def _rank(phrase: str) -> ColumnElement[int]:
    alias_equal = exists().where(
        actor_aliases.c.actor_id == actors.c.id, actor_aliases.c.alias_norm == phrase
    )
    alias_prefix = exists().where(
        actor_aliases.c.actor_id == actors.c.id,
        actor_aliases.c.alias_norm.startswith(phrase, autoescape=True),
    )
    return case(
        (or_(actors.c.name_norm == phrase, alias_equal), 0),
        (or_(actors.c.name_norm.startswith(phrase, autoescape=True), alias_prefix), 1),
        (actors.c.name_norm.contains(phrase, autoescape=True), 2),
        else_=3,
    )


def _filters(
    conn: Connection, query: ActorQuery, referential: Referential
) -> dict[str, ColumnElement[bool]]:
    """One condition per active filter, keyed by facet name."""
    conditions: dict[str, ColumnElement[bool]] = {}
    if query.types:
        conditions["type"] = actors.c.type.in_(query.types)
    if query.sectors:
        conditions["sector"] = exists().where(
            actor_sectors.c.actor_id == actors.c.id, actor_sectors.c.sector.in_(query.sectors)
        )
    for name, values in (
        ("region", query.regions),
        ("departement", query.departements),
        ("epci", query.epcis),
    ):
        if values:
            conditions[name] = _FACET_COLUMNS[name].in_(values)
    if query.territory_id:
        territory = referential.get(query.territory_id)
        conditions["territory"] = territory_condition(territory, referential)
    if query.labels:
        conditions["label"] = or_(
            *(label_condition(label_coverage(conn, key, referential)) for key in query.labels)
        )
    return conditions


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


_VOCABULARIES: dict[str, tuple[tuple[int, int], Vocabulary]] = {}


def _vocabulary(conn: Connection) -> Vocabulary:
    """The vocabulary of this database, cached until a term is added."""
    count, last = conn.execute(select(func.count(), func.max(search_terms.c.id))).one()
    url = str(conn.engine.url)
    version = (int(count), int(last or 0))
    cached = _VOCABULARIES.get(url)
    if cached is None or cached[0] != version:
        terms = list(conn.execute(select(search_terms.c.term)).scalars())
        cached = (version, Vocabulary(terms))
        _VOCABULARIES[url] = cached
    return cached[1]


def _row_to_item(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "key": row.key,
        "name": row.name,
        "type": row.type,
        "territory_id": row.territory_id,
        "place_label": row.place_label,
        "commune_code": row.commune_code,
        "departement_code": row.departement_code,
        "region_code": row.region_code,
        "epci_code": row.epci_code,
        "lat": row.lat,
        "lon": row.lon,
        "description_fr": row.description_fr,
        "description_en": row.description_en,
        "website": row.website,
        "updated_at": row.updated_at,
    }


def _label_facet(
    conn: Connection, others: ColumnElement[bool], referential: Referential
) -> list[tuple[str, int]]:
    counts = []
    for key, _name in label_programmes(conn):
        covered = label_condition(label_coverage(conn, key, referential))
        count = _count(conn, and_(others, covered))
        if count:
            counts.append((key, count))
    return sorted(counts, key=lambda pair: (-pair[1], pair[0]))


def _facet_counts(
    conn: Connection,
    conditions: dict[str, ColumnElement[bool]],
    matching: ColumnElement[bool],
    referential: Referential,
) -> dict[str, list[tuple[str, int]]]:
    facets: dict[str, list[tuple[str, int]]] = {}
    for name in FACETS:
        others = and_(matching, *(c for key, c in conditions.items() if key != name))
        if name == "label":
            facets[name] = _label_facet(conn, others, referential)
            continue
        if name == "sector":
            statement = (
                select(actor_sectors.c.sector, func.count())
                .join(actors, actors.c.id == actor_sectors.c.actor_id)
                .where(others)
                .group_by(actor_sectors.c.sector)
            )
            value = actor_sectors.c.sector
        else:
            value = _FACET_COLUMNS[name]
            statement = select(value, func.count()).where(others, value.is_not(None))
            statement = statement.group_by(value)
        statement = statement.order_by(func.count().desc(), value)
        facets[name] = [(str(v), int(n)) for v, n in conn.execute(statement)]
    return facets


@dataclass(frozen=True)
class _Match:
    """The conditions a query resolved to, typo corrections applied."""

    text: ColumnElement[bool]
    filters: dict[str, ColumnElement[bool]]
    total: int
    words: list[str]
    phrase: str
    corrected: str | None

    @property
    def where(self) -> ColumnElement[bool]:
        return and_(self.text, *self.filters.values())


def _match(conn: Connection, query: ActorQuery, referential: Referential) -> _Match:
    words = name_tokens(query.text)
    phrase = " ".join(words)
    filters = _filters(conn, query, referential)
    text_condition: ColumnElement[bool] = (
        _text_condition(conn, words, phrase, {}) if words else true()
    )
    total = _count(conn, and_(text_condition, *filters.values()))
    corrected = None
    if total == 0 and any(len(w) >= MIN_WORD for w in words):
        vocabulary = _vocabulary(conn)
        corrections = {w: vocabulary.correct(w) for w in words if len(w) >= MIN_WORD}
        if any(corrections.values()):
            text_condition = _text_condition(conn, words, phrase, corrections)
            total = _count(conn, and_(text_condition, *filters.values()))
            corrected = " ".join((corrections.get(w) or [w])[0] for w in words)
    return _Match(text_condition, filters, total, words, phrase, corrected)


def search_actors(conn: Connection, query: ActorQuery, referential: Referential) -> SearchResult:
    """Search actors; see the module docstring for how matching and ranking work."""
    match = _match(conn, query, referential)
    statement = select(actors).where(match.where)
    if query.sort == "name" or (query.sort == "relevance" and not match.words):
        statement = statement.order_by(actors.c.name_norm, actors.c.id)
    elif query.sort == "updated":
        statement = statement.order_by(actors.c.updated_at.desc(), actors.c.id.desc())
    else:
        rank = _rank(match.corrected or match.phrase)
        statement = statement.order_by(rank, actors.c.name_norm, actors.c.id)
    rows = conn.execute(statement.limit(query.limit).offset(query.offset))
    items = [_row_to_item(row) for row in rows]
    facets = (
        _facet_counts(conn, match.filters, match.text, referential) if query.with_facets else {}
    )
    return SearchResult(items=items, total=match.total, facets=facets, corrected=match.corrected)


def count_by_territory(
    conn: Connection, query: ActorQuery, level: str, referential: Referential
) -> tuple[list[tuple[str, int]], int]:
    """Matching actors counted per région, département or EPCI code (for the map),
    and the total."""
    if level not in ("region", "departement", "epci"):
        raise InputError(
            f"cannot count by {level!r}: expected region, departement or epci", field="level"
        )
    match = _match(conn, query, referential)
    column = _FACET_COLUMNS[level]
    rows = conn.execute(
        select(column, func.count())
        .where(match.where, column.is_not(None))
        .group_by(column)
        .order_by(column)
    )
    return [(str(code), int(n)) for code, n in rows], match.total


def actor_points(
    conn: Connection, query: ActorQuery, referential: Referential, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """Up to ``limit`` placed actors matching ``query`` (id, name, type, position), and
    how many match in all."""
    match = _match(conn, query, referential)
    rows = conn.execute(
        select(actors.c.id, actors.c.name, actors.c.type, actors.c.lat, actors.c.lon)
        .where(match.where, actors.c.lat.is_not(None))
        .order_by(actors.c.id)
        .limit(limit)
    ).mappings()
    return [dict(r) for r in rows], match.total


def _count(conn: Connection, where: ColumnElement[bool]) -> int:
    return int(conn.execute(select(func.count()).select_from(actors).where(where)).scalar_one())
