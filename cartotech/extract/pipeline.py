"""The extractor: spaCy pipelines per language, assembled from ``pipeline.yaml``,
and the assembly of their results into one :class:`ArticleExtraction` per article.

    extractor = Extractor.load()                      # both languages, no directory
    extraction = extractor.extract(text, "fr", "2019-04-03")
    for extraction in extractor.extract_many(articles, n_process=2): ...

Loading takes a few seconds and about 0.6 GB per language: load once per process.
"""

from __future__ import annotations

import importlib
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml
from spacy.language import Language
from spacy.tokens import Doc

import cartotech.extract.components  # noqa: F401  (registers the factories)
from cartotech.errors import CartotechError
from cartotech.extract.amounts import Amount
from cartotech.extract.counts import Count
from cartotech.extract.dates import DateMention
from cartotech.extract.gazetteer import GazetteerEntry, gazetteer_forms
from cartotech.extract.records import (
    ArticleExtraction,
    OrgMention,
    PersonMention,
    PlaceMention,
    RelationMention,
    Span,
)
from cartotech.extract.rules import fold_key

__all__ = ["ArticleInput", "Extractor", "ModelNotInstalled", "pipeline_config"]

EXTRACTED_LANGUAGES = ("fr", "en")
# Evidence ranks: what decided an organisation's type, most trusted first.
_EVIDENCE_RANK = {"directory": 0, "keyword": 1, "trigger": 2, "enumeration": 3, "ner": 4}


class ModelNotInstalled(CartotechError):
    """A spaCy model package is missing: ``make install`` installs them."""


@dataclass(frozen=True)
class ArticleInput:
    text: str
    lang: str
    published: str | None = None


def pipeline_config() -> dict[str, Any]:
    text = resources.files("cartotech.extract").joinpath("pipeline.yaml").read_text("utf-8")
    config: dict[str, Any] = yaml.safe_load(text)
    return config


def load_model(spec: dict[str, Any]) -> Language:
    """A language's spaCy model as ``pipeline.yaml`` sets it up (components
    left out, switched on, added), without cartotech's components: what the
    extraction benchmark compares cartotech with."""
    try:
        package = importlib.import_module(spec["model"])
    except ImportError as error:
        raise ModelNotInstalled(
            f"the spaCy model {spec['model']} is not installed: run `make install` "
            "(it installs requirements-models.txt)"
        ) from error
    nlp: Language = package.load(exclude=spec.get("exclude", []))
    for name in spec.get("enable", []):
        nlp.enable_pipe(name)
    for name in spec.get("add", []):
        nlp.add_pipe(name)
    return nlp


def _load_language(
    spec: dict[str, Any], components: list[str], directory: list[list[str]]
) -> Language:
    nlp = load_model(spec)
    for name in components:
        config = {"directory": directory} if name == "cartotech_entities" else {}
        nlp.add_pipe(name, config=config)
    return nlp


class Extractor:
    """One spaCy pipeline per language, plus cartotech's components."""

    def __init__(self, pipelines: dict[str, Language], batch_size: int) -> None:
        self.pipelines = pipelines
        self.batch_size = batch_size

    @classmethod
    def load(
        cls,
        *,
        directory: Sequence[GazetteerEntry] = (),
        languages: Sequence[str] = EXTRACTED_LANGUAGES,
    ) -> Extractor:
        """Load the models; ``directory`` feeds the organisation gazetteer
        (leave it empty to measure the extractor's own skill)."""
        config = pipeline_config()
        forms = gazetteer_forms(directory)
        pipelines = {
            lang: _load_language(config["languages"][lang], config["components"], forms)
            for lang in languages
        }
        return cls(pipelines, int(config["batch_size"]))

    def _doc(self, item: ArticleInput) -> Doc:
        doc = self.pipelines[item.lang].make_doc(item.text)
        doc._.published = item.published
        return doc

    def extract(self, text: str, lang: str, published: str | None = None) -> ArticleExtraction:
        """Extract one article (``lang`` other than fr/en: nothing, said so)."""
        return next(self.extract_many([ArticleInput(text, lang, published)]))

    def extract_many(
        self, items: Iterable[ArticleInput], *, n_process: int = 1
    ) -> Iterator[ArticleExtraction]:
        """Extractions in the order of ``items`` (any iterable, read as needed).

        Each language gets one ``nlp.pipe`` for the whole run, fed from the items
        routed to it: with ``n_process`` > 1, each language met has its own
        ``n_process`` workers, started once (forked, they share the models' pages).
        At most ``_WINDOW`` items are read ahead of the one being yielded, whatever
        the mix of languages.
        """
        router = _Router(items, self.pipelines, _WINDOW)
        streams: dict[str, Generator[tuple[Doc, int | None], None, None]] = {}
        try:
            while router.order or router.read():
                index, lang = router.order.popleft()
                nlp = self.pipelines.get(lang)
                if nlp is None:
                    yield _not_extracted(lang)
                    continue
                if lang not in streams:
                    streams[lang] = self._stream(nlp, router, lang, n_process)
                yield assemble(_next_doc(streams[lang], index), lang)
        finally:
            for stream in streams.values():
                stream.close()  # ends spaCy's workers, also when the caller stops early

    def _stream(
        self, nlp: Language, router: _Router, lang: str, n_process: int
    ) -> Generator[tuple[Doc, int | None], None, None]:
        """The one ``nlp.pipe`` of ``lang``: ``(doc, input index)``, ``None`` for fillers."""
        waiting = router.pending[lang]
        while len(waiting) <= self.batch_size and router.read():
            pass
        # Workers cost a fork and a start: not worth it for a batch or less in all.
        few = router.exhausted and len(waiting) <= self.batch_size
        docs = router.feed(lang, self._doc, lambda: nlp.make_doc(""))
        yield from nlp.pipe(
            docs, as_tuples=True, batch_size=self.batch_size, n_process=1 if few else n_process
        )


# Items read ahead of the one being yielded, at most: bounds memory on any stream.
_WINDOW = 1024


class _Router:
    """Reads the items ahead as the language pipes ask for them, routing each to its
    language's queue, never more than ``window`` items read and not yet yielded."""

    def __init__(self, items: Iterable[ArticleInput], languages: Iterable[str], window: int):
        self._items = enumerate(items)
        self._window = window
        self.exhausted = False
        # (index, lang) of every item read and not yet yielded, in input order.
        self.order: deque[tuple[int, str]] = deque()
        # Items read and not yet fed to their language's pipe.
        self.pending: dict[str, deque[tuple[int, ArticleInput]]] = {
            lang: deque() for lang in languages
        }

    def read(self) -> bool:
        """Read one item; False at the end of the input or when the window is full."""
        if self.exhausted or len(self.order) >= self._window:
            return False
        try:
            index, item = next(self._items)
        except StopIteration:
            self.exhausted = True
            return False
        self.order.append((index, item.lang))
        if item.lang in self.pending:
            self.pending[item.lang].append((index, item))
        return True

    def feed(
        self, lang: str, make_doc: Callable[[ArticleInput], Doc], filler: Callable[[], Doc]
    ) -> Iterator[tuple[Doc, int | None]]:
        """The input of ``lang``'s pipe: its items in order as ``(doc, index)``.

        spaCy reads a batch (and, with workers, a few batches) ahead of what it
        yields. When the window is full and none of the read items is for this
        language, an empty filler doc (index ``None``) completes the batch instead
        of reading on; it costs next to nothing and is dropped on the way out.
        """
        waiting = self.pending[lang]
        while True:
            while not waiting and self.read():
                pass
            if waiting:
                index, item = waiting.popleft()
                yield make_doc(item), index
            elif self.exhausted:
                return
            else:
                yield filler(), None


def _next_doc(stream: Iterator[tuple[Doc, int | None]], index: int) -> Doc:
    """The doc of item ``index`` from its language's stream, fillers skipped."""
    for doc, position in stream:
        if position is None:
            continue
        if position != index:
            raise RuntimeError(f"extract_many: expected item {index}, spaCy gave {position}")
        return doc
    raise RuntimeError(f"extract_many: item {index} never came out of its pipeline")


def _not_extracted(lang: str) -> ArticleExtraction:
    if lang in EXTRACTED_LANGUAGES:
        return ArticleExtraction(lang=lang, skipped=f"no pipeline loaded for {lang}")
    return ArticleExtraction(lang=lang, skipped=f"language {lang!r} is not extracted")


def _organisations(entities: list[dict[str, Any]]) -> tuple[list[OrgMention], dict[str, str]]:
    """Mentions grouped by identity (the words of the name a gazetteer knows
    them by, else of their text; see ``entities``); also folded surface form
    -> canonical name."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for entity in entities:
        if entity["kind"] == "org":
            groups.setdefault(entity["identity"], []).append(entity)
    mentions, canonical = [], {}
    for group in groups.values():
        forms = list(dict.fromkeys(f for e in group for f in (e["text"], *e.get("aliases", []))))
        name = _group_name(group, forms)
        forms = list(
            dict.fromkeys([*forms, *(e["canonical"] for e in group if e.get("canonical"))])
        )
        typed = min(group, key=lambda e: _EVIDENCE_RANK.get(e["evidence"], 9))
        city = next((e["city"] for e in group if e.get("city")), None)
        spans: tuple[Span, ...] = tuple((e["start"], e["end"]) for e in group)
        mentions.append(
            OrgMention(
                name,
                tuple(f for f in forms if f != name),
                typed["org_type"],
                city,
                spans,
                typed["evidence"],
            )
        )
        for form in forms:
            canonical[fold_key(form)] = name
    return mentions, canonical


def _group_name(group: list[dict[str, Any]], forms: list[str]) -> str:
    """A label's own name ("metropolis label" is Métropole French Tech); a
    directory actor's name only if the article writes it: otherwise the
    article's longest form, the directory's name becoming an alias (linking
    to the directory is the resolver's job)."""
    written = {fold_key(form) for form in forms}
    for entity in group:
        known = entity.get("canonical")
        if known and (entity["evidence"] != "directory" or fold_key(known) in written):
            return str(known)
    # The plain name rather than the labelled one ("X" over "Capitale French Tech X").
    return max(group, key=lambda e: (not e.get("holds_label"), len(e["text"])))["text"]


def _people(records: list[dict[str, Any]], canonical: dict[str, str]) -> list[PersonMention]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        groups.setdefault(fold_key(record["name"]), []).append(record)
    people = []
    for group in groups.values():
        best = next((r for r in group if r["role"] or r["organization"]), group[0])
        organization = best["organization"]
        if organization is not None:
            organization = canonical.get(fold_key(organization), organization)
        spans = tuple((r["start"], r["end"]) for r in group)
        people.append(PersonMention(best["name"], best["role"], organization, spans))
    return people


def _places(entities: list[dict[str, Any]]) -> list[PlaceMention]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for entity in entities:
        if entity["kind"] == "place":
            groups.setdefault(fold_key(entity["text"]), []).append(entity)
    places = []
    for group in groups.values():
        first = group[0]
        territory = first["place"]["territory_id"] if first.get("place") else None
        places.append(
            PlaceMention(first["text"], territory, tuple((e["start"], e["end"]) for e in group))
        )
    return places


def _relations(records: list[dict[str, Any]], canonical: dict[str, str]) -> list[RelationMention]:
    seen: set[tuple[str, str, str]] = set()
    relations = []
    for record in records:
        subject = canonical.get(fold_key(record["subject"]), record["subject"])
        obj = canonical.get(fold_key(record["object"]), record["object"])
        key = (fold_key(subject), record["predicate"], fold_key(obj))
        if key not in seen and key[0] != key[2]:
            seen.add(key)
            relations.append(
                RelationMention(subject, record["predicate"], obj, record["start"], record["end"])
            )
    return relations


def assemble(doc: Doc, lang: str) -> ArticleExtraction:
    """One article's extraction from the components' results on ``doc``."""
    entities = doc._.cartotech_entities or []
    organisations, canonical = _organisations(entities)
    people = _people(doc._.cartotech_people or [], canonical)
    quantities = doc._.cartotech_quantities or {"amounts": [], "counts": [], "dates": []}
    return ArticleExtraction(
        lang=lang,
        organizations=tuple(organisations),
        people=tuple(people),
        places=tuple(_places(entities)),
        amounts=tuple(Amount(**a) for a in quantities["amounts"]),
        counts=tuple(Count(**c) for c in quantities["counts"]),
        dates=tuple(DateMention(**d) for d in quantities["dates"]),
        relations=tuple(_relations(doc._.cartotech_relations or [], canonical)),
    )
