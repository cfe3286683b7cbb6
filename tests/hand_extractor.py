"""A hand-built extractor, kept only for the tests that still use it.

Our rule is that no fake stands in for the model: the press tests
(``tests/store/test_press.py``, ``tests/test_press_ingest.py``,
``tests/cli/test_press_cli.py``) run the session's real extractor on articles
of their own (``tests/press_support.py``). These modules still build their
data with this one and should move to the ``extractor`` fixture too:
``tests/web/conftest.py``, ``tests/browser/test_participation.py``,
``tests/test_operations_participation_demo.py`` (``HandExtractor``) and
``tests/participation/test_audit_hooks.py`` (``_review_setup``, ``read_seed``,
``record_seed``, on seed articles read from ``shared/seeds`` at test time).

:class:`HandExtractor` looks for the names it is given in the text (spans
from ``str.find``) and runs the rule-based amount and count finders.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from cartotech.domain import Document
from cartotech.extract import find_amounts, find_counts
from cartotech.extract.numbers import sentence_bounds
from cartotech.extract.records import (
    ArticleExtraction,
    OrgMention,
    PersonMention,
    PlaceMention,
    RelationMention,
)
from cartotech.ingest import read_document_file
from cartotech.ingest.stories import StoryIndex, StoryKind
from cartotech.resolve.records import LinkStatus, MentionLink
from cartotech.store import DocumentReport, actor_candidates, record_document, unit_of_work

MARSEILLE = "fr:commune:13055"
# The fullest form in seed 001; the directory knows it without "Capital".
ASSOCIATION = "Aix-Marseille French Tech Région Sud Capital"


def _spans(text: str, forms: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    """Every occurrence of the forms, a form inside a longer one's occurrence left out."""
    found: set[tuple[int, int]] = set()
    for form in forms:
        start = text.find(form)
        while start >= 0:
            found.add((start, start + len(form)))
            start = text.find(form, start + len(form))
    return tuple(
        sorted(
            (a, b)
            for a, b in found
            if not any(c <= a and b <= d and (c, d) != (a, b) for c, d in found)
        )
    )


@dataclass
class HandExtractor:
    """Finds the organisations, people, places and relations it is told about.

    ``orgs``: name -> (type, other surface forms). ``people``: (name, role,
    organisation). ``places``: surface form -> territory id. ``relations``:
    (subject, predicate, object, a phrase of the sentence stating it).
    ``fail_on``: raise on that call (1-based), as a crashing model would.
    """

    orgs: Mapping[str, tuple[str | None, tuple[str, ...]]] = field(default_factory=dict)
    people: tuple[tuple[str, str | None, str | None], ...] = ()
    places: Mapping[str, str | None] = field(default_factory=dict)
    relations: tuple[tuple[str, str, str, str], ...] = ()
    fail_on: int | None = None
    calls: int = 0

    def extract(self, text: str, lang: str, published: str | None = None) -> ArticleExtraction:
        self.calls += 1
        if self.calls == self.fail_on:
            raise RuntimeError(f"extractor crashed on call {self.calls}")
        orgs = tuple(
            OrgMention(name, forms, kind, None, spans, "directory")
            for name, (kind, forms) in self.orgs.items()
            if (spans := _spans(text, (name, *forms)))
        )
        people = tuple(
            PersonMention(name, role, org, spans)
            for name, role, org in self.people
            if (spans := _spans(text, (name,)))
        )
        places = tuple(
            PlaceMention(surface, territory, spans)
            for surface, territory in self.places.items()
            if (spans := _spans(text, (surface,)))
        )
        stated = []
        for subject, predicate, obj, phrase in self.relations:
            where = text.find(phrase)
            if where >= 0:
                start, end = sentence_bounds(text, where)
                stated.append(RelationMention(subject, predicate, obj, start, end))
        return ArticleExtraction(
            lang=lang,
            organizations=orgs,
            people=people,
            places=places,
            amounts=tuple(find_amounts(text, lang)),  # type: ignore[arg-type]
            counts=tuple(find_counts(text, lang)),  # type: ignore[arg-type]
            relations=tuple(stated),
        )


def seed_extractor(**kwargs: object) -> HandExtractor:
    """What a careful reader finds in seeds 001 (en) and 004 (fr)."""
    return HandExtractor(
        orgs={
            "Provence Promotion": ("public_body", ()),
            ASSOCIATION: ("association", ("Aix-Marseille French Tech Région Sud",)),
            "Capitale French Tech": ("label_program", ("French Tech Capital Label",)),
            "Tech for Good": ("label_program", ("Tech For Good",)),
        },
        # No organisation given: the led_by relation is what ties him to it.
        people=(("Pascal Lorne", "President", None),),
        places={"Marseille": MARSEILLE, "Provence": None},
        relations=(
            # A person is no actor: a role, not a relation.
            (ASSOCIATION, "led_by", "Pascal Lorne", "Pascal Lorne, President"),
            (
                "Aix-Marseille French Tech Région Sud",
                "awarded",
                "Capitale French Tech",
                "French Tech Capital Label",
            ),
        ),
        **kwargs,  # type: ignore[arg-type]
    )


def read_seed(seeds_dir: Path, prefix: str) -> Document:
    (path,) = seeds_dir.glob(f"{prefix}_*.txt")
    (document,) = read_document_file(path)
    assert isinstance(document, Document)
    return document


def links_for(
    extraction: ArticleExtraction, engine: Engine, review: Mapping[str, LinkStatus]
) -> list[MentionLink]:
    """Links decided by hand: the directory actor bearing the mention's name
    or an alias; LINKED unless ``review`` says otherwise (REVIEW_MERGE then
    proposes that actor, REVIEW_NEW none)."""
    with engine.connect() as conn:
        by_name = {c.name: c.actor_id for c in actor_candidates(conn)}
    result = []
    for org in extraction.organizations:
        known = next((by_name[n] for n in (org.name, *org.aliases) if n in by_name), None)
        status = review.get(org.name, LinkStatus.LINKED if known else LinkStatus.REVIEW_NEW)
        actor_id = None if status is LinkStatus.REVIEW_NEW else known
        result.append(MentionLink(org, status, actor_id, 0.8, "test"))
    return result


def record_seed(
    engine: Engine,
    document: Document,
    index: StoryIndex,
    review: Mapping[str, LinkStatus] | None = None,
) -> DocumentReport:
    """Match, extract, link and record one seed the way ingestion does."""
    match = index.match(document)
    extraction = None
    links: list[MentionLink] = []
    if match.kind is StoryKind.NEW:
        extraction = seed_extractor().extract(document.text, document.lang, document.published)
        links = links_for(extraction, engine, review or {})
    with unit_of_work(engine) as conn:
        report = record_document(conn, document, match, extraction, links)
    if match.entry is not None:
        index.insert(match.entry)
    return report


def _review_setup(engine: Engine, seeds_dir: Path) -> Document:
    document = read_seed(seeds_dir, "001")
    review = {"Tech for Good": LinkStatus.REVIEW_NEW, ASSOCIATION: LinkStatus.REVIEW_MERGE}
    record_seed(engine, document, StoryIndex(), review)
    return document
