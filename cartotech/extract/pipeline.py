"""The extractor: spaCy pipelines per language, assembled from ``pipeline.yaml``,
and the assembly of their results into one :class:`ArticleExtraction` per article.

    extractor = Extractor.load()                      # both languages, no directory
    extraction = extractor.extract(text, "fr", "2019-04-03")
    for extraction in extractor.extract_many(articles, n_process=2): ...

Loading takes a few seconds and about 0.6 GB per language: load once per process.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from itertools import islice
from typing import Any

import yaml
from spacy.language import Language
from spacy.tokens import Doc

import cartotech.extract.components  # noqa: F401  (registers the factories)
from cartotech.errors import CartotechError
from cartotech.extract.amounts import Amount
from cartotech.extract.counts import Count
from cartotech.extract.dates import DateMention
from cartotech.extract.gazetteer import GazetteerEntry, gazetteer_pairs
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
_EVIDENCE_RANK = {"directory": 0, "keyword": 1, "trigger": 2, "ner": 3}
# Items buffered per language before a batch is sent through nlp.pipe.
_CHUNK = 256


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


def _load_language(
    spec: dict[str, Any], components: list[str], directory: list[list[str]]
) -> Language:
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
        pairs = gazetteer_pairs(directory)
        pipelines = {
            lang: _load_language(config["languages"][lang], config["components"], pairs)
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
        """Extractions in the order of ``items``, batched through ``nlp.pipe``."""
        iterator = iter(items)
        while chunk := list(islice(iterator, _CHUNK)):
            results: list[ArticleExtraction | None] = [None] * len(chunk)
            for lang, nlp in self.pipelines.items():
                positions = [i for i, item in enumerate(chunk) if item.lang == lang]
                docs = (self._doc(chunk[i]) for i in positions)
                processes = n_process if len(positions) > self.batch_size else 1
                for position, doc in zip(
                    positions,
                    nlp.pipe(docs, batch_size=self.batch_size, n_process=processes),
                    strict=True,
                ):
                    results[position] = assemble(doc, lang)
            for item, result in zip(chunk, results, strict=True):
                yield result or _not_extracted(item.lang)


def _not_extracted(lang: str) -> ArticleExtraction:
    if lang in EXTRACTED_LANGUAGES:
        return ArticleExtraction(lang=lang, skipped=f"no pipeline loaded for {lang}")
    return ArticleExtraction(lang=lang, skipped=f"language {lang!r} is not extracted")


def _organisations(entities: list[dict[str, Any]]) -> tuple[list[OrgMention], dict[str, str]]:
    """Mentions grouped by folded name; also folded surface form -> canonical name."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for entity in entities:
        if entity["kind"] == "org":
            groups.setdefault(fold_key(entity["text"]), []).append(entity)
    mentions, canonical = [], {}
    for group in groups.values():
        forms = list(dict.fromkeys(f for e in group for f in (e["text"], *e.get("aliases", []))))
        name = max((e["text"] for e in group), key=len)
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
