"""Press articles written for the tests, and the helpers the press tests share.

The articles are our own (no sentence of ``shared/seeds``), written so that
the real extractor (the session's ``extractor`` fixture, ``tests/conftest.py``:
the spaCy pipelines loaded once) finds in them what each test is about. The
tests assert properties of what it finds (every span is the text it names,
every fact cites its document and span), plus the few findings each article
was written to produce, not a frozen list of its output.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, func, select

from cartotech.domain import Document
from cartotech.extract.records import ArticleExtraction
from cartotech.ingest import read_document_bytes
from cartotech.ingest.stories import StoryIndex, StoryKind
from cartotech.press import ArticleExtractor
from cartotech.resolve.linking import ActorIndex, resolve_mentions
from cartotech.resolve.records import MentionLink
from cartotech.store import DocumentReport, actor_candidates, record_document, unit_of_work
from cartotech.store.schema import metadata

# The store tests' article. ZeBox (in the curated directory) is named in four
# sentences: with "15 start-up" (a fact about it), with its funder Bpifrance
# (also in the directory: a relation) and with its director (a role).
# "40 entreprises" shares its sentence only with Marseille (a fact about the
# commune); "300 visiteurs" with no name at all (a mention, no fact). Calanque
# Data and Ormeau Labs are unknown (review: new actor); "Euratechnologie" is
# one letter short of Euratechnologies (review: merge), alone in its sentence
# with "deux mentors".
PORT_FR = (
    "Les start-up du port trouvent un toit à Marseille\n\n"
    "Marseille, le 9 septembre 2024. L'incubateur ZeBox a accueilli 15 start-up maritimes "
    "cet automne. ZeBox est soutenu par Bpifrance, qui a apporté 2 millions d'euros. "
    "À Marseille, 40 entreprises travaillent désormais sur la logistique portuaire. "
    "Quelque 300 visiteurs sont venus à la journée d'ouverture. Claire Dumoulin, directrice "
    "de ZeBox, a choisi Calanque Data et Ormeau Labs pour la première promotion. Calanque "
    "Data, une start-up de Toulon, fabrique des capteurs pour les porte-conteneurs. "
    "L'accélérateur Euratechnologie a envoyé deux mentors. ZeBox a obtenu le label "
    "Capitale French Tech.\n"
)
# PORT_FR told in English: the same story in another language (same numbers,
# date and names), joined to it and not extracted a second time.
PORT_EN = (
    "Harbour start-ups find a home in Marseille\n\n"
    "Marseille, 9 September 2024. The ZeBox incubator welcomed 15 maritime start-ups this "
    "autumn. ZeBox is backed by Bpifrance, which provided 2 million euros. In Marseille, "
    "40 companies now work on port logistics. Some 300 visitors came to the opening day. "
    "Claire Dumoulin, director of ZeBox, chose Calanque Data and Ormeau Labs for the first "
    "cohort. Calanque Data, a start-up from Toulon, builds sensors for container ships. The "
    "Euratechnologie accelerator sent two mentors. ZeBox obtained the Capitale French Tech "
    "label.\n"
)
# Three more stories, one language each, sharing no figure with the port story.
VINEYARD_FR = (
    "Nubbo retient douze projets à Toulouse\n\n"
    "Toulouse, le 2 février 2024. L'incubateur Nubbo a sélectionné 12 projets pour sa "
    "nouvelle promotion. Parmi eux, la start-up Ferlinde Bio conçoit des capteurs pour la "
    "vigne. Ferlinde Bio a été incubée par Nubbo pendant un an. La Région Occitanie finance "
    "le programme à hauteur de 500 000 euros.\n"
)
CAMPUS_EN = (
    "Euratechnologies opens a second building in Lille\n\n"
    "Lille, 14 May 2024. Euratechnologies opened a second building in Lille this week. The "
    "incubator now hosts 180 start-ups on its campus, said its director, Hélène Vasseur. "
    "Bpifrance invested 3 million euros in the new building. Quillon Robotics, a start-up "
    "from Roubaix, joined the Euratechnologies incubator in March.\n"
)
OPEN_SOURCE_FR = (
    "Bordeaux Métropole soutient le logiciel libre\n\n"
    "Bordeaux, le 3 avril 2024. Bordeaux Métropole lance un appel à projets doté de "
    "200 000 euros pour le logiciel libre. La start-up Ordalie Code, installée à Mérignac, "
    "compte 8 salariés.\n"
)
# The folder the ingestion tests read, in name order: the port story first in
# French (extracted), then in English (joins it), then three other stories.
ARTICLES = {
    "01_port_fr.txt": PORT_FR,
    "02_port_en.txt": PORT_EN,
    "03_vineyard_fr.txt": VINEYARD_FR,
    "04_campus_en.txt": CAMPUS_EN,
    "05_open_source_fr.txt": OPEN_SOURCE_FR,
}


def write_articles(folder: Path) -> Path:
    """``ARTICLES`` as UTF-8 files in ``folder`` (created); returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def article(name: str) -> Document:
    """The document the reader makes of ``ARTICLES[name]``."""
    (document,) = read_document_bytes(Path(name), ARTICLES[name].encode("utf-8"))
    assert isinstance(document, Document)
    return document


class ExtractorCrash(RuntimeError):
    """What :class:`CountingExtractor` raises on the call it was told to fail."""


@dataclass
class CountingExtractor:
    """The real extractor, counting the articles it is given; with
    ``crash_on``, it raises on that call (1-based) instead, as a model
    crashing halfway through a run would."""

    extractor: ArticleExtractor
    crash_on: int | None = None
    calls: int = 0

    def extract(self, text: str, lang: str, published: str | None) -> ArticleExtraction:
        self.calls += 1
        if self.calls == self.crash_on:
            raise ExtractorCrash(f"extractor crashed on call {self.calls}")
        return self.extractor.extract(text, lang, published)


def links_for(engine: Engine, extraction: ArticleExtraction) -> list[MentionLink]:
    """The resolver's decisions for the extraction's organisations, against the store's actors."""
    with engine.connect() as conn:
        return resolve_mentions(extraction.organizations, ActorIndex(actor_candidates(conn)))


def record_article(
    engine: Engine, document: Document, index: StoryIndex, extractor: ArticleExtractor
) -> DocumentReport:
    """Match, extract, link and record one document in one unit of work, as
    ingestion does (``cartotech.press``), the index updated after the commit."""
    match = index.match(document)
    extraction = None
    links: list[MentionLink] = []
    if match.kind is StoryKind.NEW:
        extraction = extractor.extract(document.text, document.lang, document.published)
        links = links_for(engine, extraction)
    with unit_of_work(engine) as conn:
        report = record_document(conn, document, match, extraction, links)
    if match.entry is not None:
        index.insert(match.entry)
    return report


def count_rows(engine: Engine) -> dict[str, int]:
    """Rows per table."""
    with engine.connect() as conn:
        return {
            name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in metadata.tables.items()
        }


def snapshot(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table but the referential, in a stable order."""
    with engine.connect() as conn:
        return {
            name: sorted(map(tuple, conn.execute(select(table)).all()), key=repr)
            for name, table in metadata.tables.items()
            if name != "territories"
        }
