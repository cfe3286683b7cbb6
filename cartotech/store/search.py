"""Actor search: folded substring matching, typo correction, facets.

How it works, identically on SQLite and PostgreSQL:

1. The query is folded into words (``normalize_name``). Every word of three
   letters or more must occur in the actor's folded ``search_text`` (names,
   aliases, descriptions, sectors, place names): FTS5's trigram index answers
   that on SQLite (one FTS5 query for all the words), a pg_trgm GIN index on
   PostgreSQL. Both are substring matches, so "bordeau" finds Bordeaux and
   "euratech" Euratechnologies.
2. When nothing matches, each word is corrected against the vocabulary of
   actor names (``search_terms``) with rapidfuzz: the closest terms, or
   term prefixes, within one or two edits ("euratechnology" ->
   "euratechnologi"; see ``vocabulary.py``), and the search runs again with them.
3. Results are ranked by how the folded name (or an alias) matches the
   query — equal, starts with, contains, elsewhere — then by name and id, a
   total order both databases compute the same way. A query matching many
   actors reads those named after it from the name index, in order, rather
   than sorting all its matches (``_relevance_page``).
4. Facets count the matches by type, sector, région, département, EPCI and
   label programme;
   each facet ignores its own filter, so the other values stay visible.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    column,
    exists,
    func,
    not_,
    or_,
    select,
    text,
    true,
)

from cartotech.errors import InputError
from cartotech.geo import Referential
from cartotech.normalize import name_tokens
from cartotech.store.labels import label_condition, label_coverage, label_programmes
from cartotech.store.schema import actor_aliases, actor_sectors, actors
from cartotech.store.territories import territory_condition
from cartotech.store.vocabulary import vocabulary_of

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


def _starts_with(column: Any, prefix: str) -> ColumnElement[bool]:
    """``column`` starts with ``prefix``, as a range an index answers (LIKE cannot on SQLite).

    Folded keys (names, aliases, query phrases) hold only ``[0-9a-z]`` and single spaces,
    which all sort before "{": the keys starting with ``prefix`` are exactly those in
    ``[prefix, prefix + "{")``, byte-wise on both databases.
    """
    return and_(column >= prefix, column < prefix + "{")


def _alias_ids(condition: ColumnElement[bool]) -> Select[tuple[int]]:
    """The actors with an alias meeting ``condition`` (one set, not a subquery per row)."""
    return select(actor_aliases.c.actor_id).where(condition)


def _head_condition(phrase: str) -> ColumnElement[bool]:
    """The name or an alias starts with ``phrase`` (ranks 0 and 1)."""
    alias_prefix = _alias_ids(_starts_with(actor_aliases.c.alias_norm, phrase))
    return or_(_starts_with(actors.c.name_norm, phrase), actors.c.id.in_(alias_prefix))


def _fts_query(groups: list[list[str]]) -> str:
    """One FTS5 query for all the words, each with its corrections: FTS5 intersects the
    words itself, cheaper than one ``IN (SELECT rowid ...)`` per word."""
    return " AND ".join("(" + " OR ".join(f'"{w}"' for w in group) + ")" for group in groups)


def _fts_condition(match: str) -> ColumnElement[bool]:
    fts = text("SELECT rowid FROM actor_fts WHERE actor_fts MATCH :match")
    # A unique parameter: facet statements combine this condition with others.
    fts = fts.bindparams(bindparam("match", match, unique=True))
    return actors.c.id.in_(fts.columns(column("rowid", Integer)))


def _contains_words(groups: list[list[str]]) -> ColumnElement[bool]:
    """Every group has a word the search text contains, tested row by row."""
    return and_(
        *(
            or_(*(actors.c.search_text.contains(word, autoescape=True) for word in group))
            for group in groups
        )
    )


@dataclass(frozen=True)
class _Text:
    """What the words of a query match, in the two forms the store uses.

    ``condition`` selects the matches (an FTS5 lookup on SQLite); ``row_condition`` is the
    same test made on each row (the substring test PostgreSQL runs with its trigram
    index), for scans that read rows in name order and stop early; ``fts`` is the FTS5
    query when there is one.
    """

    condition: ColumnElement[bool]
    row_condition: ColumnElement[bool]
    fts: str | None = None


def _text_condition(
    conn: Connection, words: list[str], phrase: str, corrections: dict[str, list[str]]
) -> _Text:
    if not words:
        return _Text(true(), true())
    groups = [[w, *corrections.get(w, [])] for w in words if len(w) >= MIN_WORD]
    if not groups:
        # Only short words ("M", "3D"): match names and aliases from their start.
        head = _head_condition(phrase)
        return _Text(head, head)
    rows = _contains_words(groups)
    if conn.dialect.name != "sqlite":
        return _Text(rows, rows)
    match = _fts_query(groups)
    return _Text(_fts_condition(match), rows, match)


def _rank(phrase: str) -> ColumnElement[int]:
    alias_equal = _alias_ids(actor_aliases.c.alias_norm == phrase)
    return case(
        (or_(actors.c.name_norm == phrase, actors.c.id.in_(alias_equal)), 0),
        (_head_condition(phrase), 1),
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

    text: _Text
    filters: dict[str, ColumnElement[bool]]
    total: int
    words: list[str]
    phrase: str
    corrected: str | None

    @property
    def where(self) -> ColumnElement[bool]:
        return and_(self.text.condition, *self.filters.values())

    @property
    def row_where(self) -> ColumnElement[bool]:
        return and_(self.text.row_condition, *self.filters.values())


def _count_matches(
    conn: Connection, matching: _Text, filters: dict[str, ColumnElement[bool]]
) -> int:
    if matching.fts is not None and not filters:
        # Every row of the FTS5 index is an actor: count there, without visiting actors.
        count = text("SELECT count(*) FROM actor_fts WHERE actor_fts MATCH :match")
        return int(conn.execute(count, {"match": matching.fts}).scalar_one())
    return _count(conn, and_(matching.condition, *filters.values()))


def _match(conn: Connection, query: ActorQuery, referential: Referential) -> _Match:
    words = name_tokens(query.text)
    phrase = " ".join(words)
    filters = _filters(conn, query, referential)
    matching = _text_condition(conn, words, phrase, {})
    total = _count_matches(conn, matching, filters)
    corrected = None
    if total == 0 and any(len(w) >= MIN_WORD for w in words):
        vocabulary = vocabulary_of(conn)
        corrections = {w: vocabulary.correct(w) for w in words if len(w) >= MIN_WORD}
        if any(corrections.values()):
            matching = _text_condition(conn, words, phrase, corrections)
            total = _count_matches(conn, matching, filters)
            corrected = " ".join((corrections.get(w) or [w])[0] for w in words)
    return _Match(matching, filters, total, words, phrase, corrected)


# Relevance pages of queries matching at least this many actors start with a read of
# the name index (fewer are sorted at once), unless they end further than _HEAD_PAGE_END.
_NAME_SCAN_FROM = 5_000
_HEAD_PAGE_END = 1_000


def _row_where(conn: Connection, match: _Match) -> ColumnElement[bool]:
    """The matching condition tested row by row, for reads in name order.

    SQLite's planner, without statistics, would rather read a filter's index (a région:
    190,000 actors) and sort: the filters go where it cannot use an index (a CASE).
    """
    if conn.dialect.name != "sqlite" or not match.filters:
        return match.row_where
    hidden = case((and_(*match.filters.values()), 1), else_=0) == 1
    return and_(match.text.row_condition, hidden)


def _relevance_page(conn: Connection, match: _Match, query: ActorQuery) -> list[int] | None:
    """The ids of a relevance-ordered page of many matches (None: sort them all).

    The actors whose name or an alias starts with the phrase (ranks 0 and 1) come first;
    the others are ranked only when those do not fill the page. Those found by name are
    read in name order and reading stops at the end of the page, so that a word
    matching half the directory does not sort all its matches. Same order as sorting
    every match by rank, name and id.
    """
    end = query.offset + query.limit
    if match.total < _NAME_SCAN_FROM or end > _HEAD_PAGE_END:
        return None
    phrase = match.corrected or match.phrase
    order = (_rank(phrase), actors.c.name_norm, actors.c.id)
    row_where = _row_where(conn, match)
    by_name = (
        select(actors.c.id)
        .where(row_where, _starts_with(actors.c.name_norm, phrase))
        .order_by(actors.c.name_norm, actors.c.id)
        .limit(end)
    )
    alias_prefix = _alias_ids(_starts_with(actor_aliases.c.alias_norm, phrase))
    by_alias = (
        select(actors.c.id)
        .where(row_where, actors.c.id.in_(alias_prefix))
        .order_by(*order)
        .limit(end)
    )
    # The first ``end`` of each way hold the first ``end`` of their union.
    head_ids = {*conn.execute(by_name).scalars(), *conn.execute(by_alias).scalars()}
    ranked = select(actors.c.id).where(actors.c.id.in_(sorted(head_ids))).order_by(*order)
    page = list(conn.execute(ranked).scalars()) if head_ids else []
    # Fewer than ``end`` means every rank 0 and 1 match is there: the rest follow them.
    if len(page) < end and len(page) < match.total:
        rest = (
            select(actors.c.id)
            .where(match.where, not_(_head_condition(phrase)))
            .order_by(*order)
            .limit(end - len(page))
        )
        page += conn.execute(rest).scalars()
    return page[query.offset : end]


def search_actors(conn: Connection, query: ActorQuery, referential: Referential) -> SearchResult:
    """Search actors; see the module docstring for how matching and ranking work."""
    match = _match(conn, query, referential)
    ids = _relevance_page(conn, match, query) if query.sort == "relevance" and match.words else None
    if ids is not None:
        rows = conn.execute(select(actors).where(actors.c.id.in_(ids))).all() if ids else []
        by_id = {row.id: row for row in rows}
        items = [_row_to_item(by_id[i]) for i in ids]
    else:
        statement = select(actors).where(match.where)
        if query.sort == "name" or (query.sort == "relevance" and not match.words):
            statement = statement.order_by(actors.c.name_norm, actors.c.id)
        elif query.sort == "updated":
            statement = statement.order_by(actors.c.updated_at.desc(), actors.c.id.desc())
        else:
            rank = _rank(match.corrected or match.phrase)
            statement = statement.order_by(rank, actors.c.name_norm, actors.c.id)
        rows = conn.execute(statement.limit(query.limit).offset(query.offset)).all()
        items = [_row_to_item(row) for row in rows]
    facets = (
        _facet_counts(conn, match.filters, match.text.condition, referential)
        if query.with_facets
        else {}
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
    how many placed actors match in all."""
    match = _match(conn, query, referential)
    placed = and_(match.where, actors.c.lat.is_not(None))
    rows = conn.execute(
        select(actors.c.id, actors.c.name, actors.c.type, actors.c.lat, actors.c.lon)
        .where(placed)
        .order_by(actors.c.id)
        .limit(limit)
    ).mappings()
    return [dict(r) for r in rows], _count(conn, placed)


def _count(conn: Connection, where: ColumnElement[bool]) -> int:
    return int(conn.execute(select(func.count()).select_from(actors).where(where)).scalar_one())
