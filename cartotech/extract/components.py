"""cartotech's spaCy components, registered with ``@Language.factory``.

They run after the statistical ``ner``, inside spaCy's worker processes
(``nlp.pipe(n_process=2)``), and leave plain, msgpack-serialisable results
in ``doc._`` extensions so that results survive the trip back from a worker:

- ``cartotech_entities`` -> ``doc._.cartotech_entities``: organisations,
  people and places (see :mod:`cartotech.extract.entities`);
- ``cartotech_people`` -> ``doc._.cartotech_people``: roles and organisations
  of people (:mod:`cartotech.extract.people`);
- ``cartotech_relations`` -> ``doc._.cartotech_relations``
  (:mod:`cartotech.extract.relations`);
- ``cartotech_quantities`` -> ``doc._.cartotech_quantities``: amounts, counts
  and dates (the pattern extractors), dates resolved against
  ``doc._.published``.

The pipeline is assembled from ``pipeline.yaml`` by
:mod:`cartotech.extract.pipeline`.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from cartotech.extract.amounts import find_amounts
from cartotech.extract.counts import find_counts
from cartotech.extract.dates import find_dates
from cartotech.extract.entities import Entity, GazetteerMatch, find_entities
from cartotech.extract.people import find_people
from cartotech.extract.places import place_gazetteer
from cartotech.extract.relations import find_relations
from cartotech.extract.rules import entity_rules
from cartotech.extract.sentences import (
    index_sentences,
    release_sentence_index,
    repair_sentence_starts,
)
from cartotech.normalize import fold

__all__ = ["EXTENSIONS"]

EXTENSIONS = (
    "published",
    "cartotech_entities",
    "cartotech_people",
    "cartotech_relations",
    "cartotech_quantities",
)
for _name in EXTENSIONS:
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def _fold_norms(doc: Doc) -> Doc:
    """Folded text in ``token.norm_`` so phrase matchers ignore case and accents
    (the statistical components have already run)."""
    for token in doc:
        token.norm_ = fold(token.text).replace("’", "'")  # l’incubateur = l'incubateur
    return doc


def _phrase_matcher(nlp: Language, phrases: dict[str, list[str]]) -> PhraseMatcher:
    matcher = PhraseMatcher(nlp.vocab, attr="NORM")
    for label, words in phrases.items():
        # In running text "start-up" may be split at the hyphen; alone it is not.
        variants = {form for word in words for form in (word, word.replace("-", " - "))}
        matcher.add(label, [_fold_norms(nlp.make_doc(form)) for form in sorted(variants)])
    return matcher


def entity_to_dict(entity: Entity) -> dict[str, Any]:
    data = asdict(entity)
    data["place"] = asdict(entity.place) if entity.place else None
    data["sentence"] = list(entity.sentence)
    data["aliases"] = list(entity.aliases)
    return data


_KEY_SEPARATOR = "\x1f"


def _key(kind: str, name: str) -> str:
    """A phrase-matcher key that carries the type and the canonical name."""
    return f"{kind}{_KEY_SEPARATOR}{name}"


def _match(key: str, start: int, end: int) -> GazetteerMatch:
    kind, _, name = key.partition(_KEY_SEPARATOR)
    return kind, start, end, name


class EntityComponent:
    """Candidates from the NER, trigger words and the directory, decided."""

    def __init__(self, nlp: Language, directory: list[list[str]]) -> None:
        self.rules = entity_rules()
        self.places = place_gazetteer()
        self.trigger_matcher = _phrase_matcher(
            nlp, {kind: list(words) for kind, words in self.rules.trigger_phrases.items()}
        )
        phrases: dict[str, list[str]] = {}
        for name in self.rules.label_names:
            phrases.setdefault(_key("label_program", name), []).append(name)
        for name, variants in self.rules.label_aliases.items():
            phrases.setdefault(_key("label_program", name), []).extend(variants)
        for name in self.rules.public_body_phrases:
            phrases.setdefault(_key("public_body", name), []).append(name)
        self.phrase_matcher = _phrase_matcher(nlp, phrases)
        known: dict[str, list[str]] = {}
        for entry in directory:
            form, kind = entry[0], entry[1]
            known.setdefault(_key(kind, entry[2] if len(entry) > 2 else form), []).append(form)
        self.directory_matcher = _phrase_matcher(nlp, known) if known else None

    def __call__(self, doc: Doc) -> Doc:
        _fold_norms(doc)
        vocab = doc.vocab.strings
        trigger_matches = [(vocab[key], s, e) for key, s, e in self.trigger_matcher(doc)]
        directory_matches = []
        if self.directory_matcher is not None:
            directory_matches = [
                _match(vocab[key], s, e)
                for key, s, e in self.directory_matcher(doc)
                # One-letter names ("M") only when the case matches exactly.
                if e - s > 1 or len(doc[s].text) > 2 or doc[s].text.isupper()
            ]
        phrase_matches = [_match(vocab[key], s, e) for key, s, e in self.phrase_matcher(doc)]
        entities = find_entities(
            doc, self.rules, self.places, trigger_matches, phrase_matches, directory_matches
        )
        doc._.cartotech_entities = [entity_to_dict(entity) for entity in entities]
        return doc


@Language.factory("cartotech_entities", default_config={"directory": []})
def make_entity_component(nlp: Language, name: str, directory: list[list[str]]) -> EntityComponent:
    """``directory``: ``[form, type, name]`` triples of the organisation
    gazetteer (``[name, type]`` pairs are accepted: the form is the name)."""
    return EntityComponent(nlp, directory)


@Language.component("cartotech_sentences")
def sentences_component(doc: Doc) -> Doc:
    return index_sentences(repair_sentence_starts(doc))


@Language.component("cartotech_release")
def release_component(doc: Doc) -> Doc:
    """Drop the per-doc sentence index so that spaCy can send the doc back from
    its worker process (it refuses to serialise user hooks)."""
    return release_sentence_index(doc)


@Language.component("cartotech_people")
def people_component(doc: Doc) -> Doc:
    doc._.cartotech_people = find_people(doc, doc._.cartotech_entities or [], entity_rules())
    return doc


@Language.component("cartotech_relations")
def relations_component(doc: Doc) -> Doc:
    doc._.cartotech_relations = find_relations(
        doc, doc._.cartotech_entities or [], doc._.cartotech_people or [], entity_rules()
    )
    return doc


@Language.component("cartotech_quantities")
def quantities_component(doc: Doc) -> Doc:
    lang, text = doc.lang_, doc.text  # doc.text is rebuilt on every access
    doc._.cartotech_quantities = {
        "amounts": [asdict(a) for a in find_amounts(text, lang)],
        "counts": [asdict(c) for c in find_counts(text, lang)],
        "dates": [asdict(d) for d in find_dates(text, lang, doc._.published)],
    }
    return doc
