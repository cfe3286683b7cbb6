"""Where organisation, person and place names come from: the statistical
NER's entities, names that trigger nouns introduce ("l'incubateur X", "the X
accelerator", "incubators: A, B and C"), brand-shaped words, and the phrase
and directory matchers. Overlapping candidates are merged longest-first and
names written back to back are joined; :mod:`cartotech.extract.entities`
then decides what each candidate is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc, Span, Token

from cartotech.extract.rules import EntityRules, fold_key

__all__ = [
    "Candidate",
    "Triggers",
    "join_adjacent",
    "merge_candidates",
    "model_candidates",
    "quoted_candidates",
    "shape_candidates",
    "strip_articles",
    "trigger_candidates",
]

PERSON_LABELS = frozenset({"PER", "PERSON"})
PLACE_LABELS = frozenset({"LOC", "GPE", "FAC"})
ORG_LABELS = frozenset({"ORG"})
OTHER_LABELS = frozenset({"MISC", "NORP", "PRODUCT", "EVENT", "WORK_OF_ART"})
NAME_LABELS = PERSON_LABELS | PLACE_LABELS | ORG_LABELS | OTHER_LABELS

# Tokens that may sit inside a multi-word name between capitalised words.
CONNECTORS = frozenset({"de", "du", "des", "d'", "of", "in", "&", "-", "et", "and", "for", "la"})
# Tokens skipped between a trigger noun and the name it introduces.
BRIDGE = frozenset({":", "«", "»", '"', "“", "”", "(", "l'", "la", "le", "the", "a", "an"})
_ARTICLES = frozenset({"a", "an", "the", "un", "une", "la", "le", "l'", "les"})
# Brand shapes the model misses or mislabels: inner capital (NautiLoop), digits (k8cloud).
BRAND = re.compile(r"^(?:[a-z]+[A-Z]\w*|\w*\d\w*[a-zA-Z]\w*|[A-Z][a-z]+[A-Z]\w*)$")
NAME_START = re.compile(r"^[A-ZÀ-ÖØ-Þ0-9]")
# Web addresses and e-mails are not organisations (the gold leaves websites out).
ADDRESS = re.compile(r"\.(?:com|fr|org|net|io|eu|co)\b|^www\.|https?:|@", re.IGNORECASE)
# A name never runs over these: "French Tech : l'appel..." is "French Tech".
_NAME_BREAKS = frozenset({":", ",", "(", ")", ";", "«", "»", "“", "”", '"', "!", "?"})
_PLURAL_LIST_OPENERS = frozenset({",", ":", "("})


@dataclass
class Candidate:
    span: Span
    label: str
    source: str
    org_type: str | None = None
    alias: str | None = None  # another surface form ("accélérateur M" for "M")
    canonical: str | None = None  # the name a gazetteer knows this form by


def _is_name_token(token: Token) -> bool:
    return bool(NAME_START.match(token.text) or BRAND.match(token.text))


def strip_articles(span: Span, rules: EntityRules) -> Span:
    start, end = span.start, span.end
    doc = span.doc
    while start < end - 1 and doc[start].lower_ in rules.leading_articles:
        start += 1
    while end > start + 1 and (doc[end - 1].is_punct or doc[end - 1].lower_ in {"'s", "’s"}):
        end -= 1
    if end - start > 1 and doc[start].is_sent_start and _is_participle(doc[start]):
        start += 1  # "Labellisée French Tech Tremplin, la ville..."
    # "L'Incubateur" tokenised as one token "L'Incubateur" by some models.
    return doc[start:end]


def _is_participle(token: Token) -> bool:
    """A French past participle opening a sentence ("Labellisée", "Créés")."""
    return len(token) >= 6 and token.lower_.endswith(("ée", "ées", "és", "é"))


def _name_run(doc: Doc, start: int, limit: int) -> int:
    """End (exclusive) of the capitalised name starting at ``start``."""
    end = start + 1
    while end < limit:
        token = doc[end]
        if _is_name_token(token) and not token.is_sent_start:
            end += 1
        elif (
            token.lower_ in CONNECTORS
            and end + 1 < limit
            and _is_name_token(doc[end + 1])
            and not doc[end + 1].is_sent_start
        ):
            end += 2
        else:
            break
    return end


class Triggers:
    """Trigger-noun matches in a doc: token index -> type, for starts and ends."""

    def __init__(self, matches: Iterable[tuple[str, int, int]]) -> None:
        longest: list[tuple[str, int, int]] = []
        for match in sorted(matches, key=lambda m: (m[1] - m[2], m[1])):
            if all(match[2] <= s or match[1] >= e for _, s, e in longest):
                longest.append(match)
        self.spans = sorted(longest, key=lambda m: m[1])
        self.by_end = {end: (kind, start) for kind, start, end in self.spans}
        self.by_start = {start: (kind, end) for kind, start, end in self.spans}


def trigger_candidates(doc: Doc, triggers: Triggers, rules: EntityRules) -> list[Candidate]:
    """Names introduced by a trigger noun: "l'incubateur Nubbo", "the Nubbo
    incubator", "Incubateur du Barreau", "incubators: A, B and C"."""
    found: list[Candidate] = []
    for kind, start, end in triggers.spans:
        sentence = doc[start].sent
        trigger_is_title = doc[start].is_title and not doc[start].is_sent_start
        position = end
        while position < sentence.end and (
            doc[position].lower_ in BRIDGE - {"("} or fold_key(doc[position].text) in rules.demonyms
        ):
            position += 1  # "la start-up lyonnaise Zorblex"
        if (
            position < sentence.end
            and doc[end].text in _PLURAL_LIST_OPENERS
            and _plural(doc[start:end])
        ):
            found.extend(_list_items(doc, end + 1, sentence.end, kind, rules))
        elif kind in _HEAD_KINDS:
            found.extend(_headed_name(doc, start, end, kind))
        elif position < sentence.end and _is_name_token(doc[position]):
            key = fold_key(doc[position].text)
            letter_name = len(key) == 1 and doc[position].text.isupper()  # "accélérateur M"
            if (key not in rules.junk_words or letter_name) and key not in rules.triggers:
                stop = _name_run(doc, position, sentence.end)
                if trigger_is_title and position == end:
                    # "Incubateur du Barreau", "Startup Studio Zorblex": the noun is in the name.
                    found.append(
                        Candidate(doc[start:stop], "ORG", "trigger", kind, doc[position:stop].text)
                    )
                else:
                    alias = doc[start:stop].text if position == end else None
                    found.append(Candidate(doc[position:stop], "ORG", "trigger", kind, alias))
        elif trigger_is_title and position < sentence.end and doc[position].lower_ in CONNECTORS:
            stop = _name_run(doc, start, sentence.end)
            if stop > end:
                found.append(Candidate(doc[start:stop], "ORG", "trigger", kind))
        found.extend(_placed_apposition(doc, end, paired_kind(doc, start, kind, triggers), rules))
        # English compounds: "the Nubbo incubator", "the Emerging Valley Summit".
        back = start
        while back > sentence.start and _is_name_token(doc[back - 1]):
            back -= 1
        if back < start and (back == 0 or doc[back - 1].lower_ in _ARTICLES | {",", "("}):
            if trigger_is_title:
                stop = _name_run(doc, start, sentence.end)
                found.append(Candidate(doc[back:stop], "ORG", "trigger", kind))
            elif doc.lang_ == "en" and kind not in _HEAD_KINDS:
                found.append(Candidate(doc[back:start], "ORG", "trigger", kind))
    # A list in brackets after a plural trigger a few words back:
    # "les accélérateurs du territoire (accélérateur M, Kedge, P Factory)".
    for token in doc:
        if token.text == "(":
            opener = _nearest_plural_trigger(doc, token.i, triggers)
            if opener is not None:
                found.extend(_list_items(doc, token.i + 1, token.sent.end, opener, rules))
    return found


def paired_kind(doc: Doc, start: int, kind: str, triggers: Triggers) -> str:
    """In "start-up/TPE" the first noun says what the thing is."""
    if start > 1 and doc[start - 1].text == "/" and start - 1 in triggers.by_end:
        return triggers.by_end[start - 1][0]
    return kind


_ORIGIN_WORDS = frozenset({"from", "in", "de", "d'", "d’", "à", "of"})


def _placed_apposition(doc: Doc, end: int, kind: str, rules: EntityRules) -> list[Candidate]:
    """ "a start-up from Nantes, Zorblex": the trigger, where it is from,
    a comma, then the name."""
    sentence_end = doc[end - 1].sent.end
    if end + 3 >= sentence_end or doc[end].lower_ not in _ORIGIN_WORDS:
        return []
    position = _name_run(doc, end + 1, sentence_end) if _is_name_token(doc[end + 1]) else end
    if position == end or position + 1 >= sentence_end or doc[position].text != ",":
        return []
    first = doc[position + 1]
    key = fold_key(first.text)
    if not _is_name_token(first) or key in rules.junk_words or key in rules.triggers:
        return []
    name = doc[position + 1 : _name_run(doc, position + 1, sentence_end)]
    return [Candidate(name, "ORG", "trigger", kind)]


# Types whose trigger noun is part of the name: "région Aquitaine", "conseil régional".
_HEAD_KINDS = frozenset({"public_body"})
_DEFINITE = frozenset({"le", "la", "l'", "du", "the", "au", "de"})


def _headed_name(doc: Doc, start: int, end: int, kind: str) -> list[Candidate]:
    sentence_end = doc[start].sent.end
    stop = end
    if stop < sentence_end and _is_name_token(doc[stop]):
        stop = _name_run(doc, stop, sentence_end)
    elif (
        stop + 1 < sentence_end
        and doc[stop].lower_ in {"de", "d'", "du", "of"}
        and _is_name_token(doc[stop + 1])
    ):
        stop = _name_run(doc, stop + 1, sentence_end)
    if stop == end and (start == 0 or doc[start - 1].lower_ not in _DEFINITE):
        return []  # "des régions": not one body
    if stop == end and _plural(doc[start:end]):
        return []
    return [Candidate(doc[start:stop], "ORG", "trigger", kind)]


def _plural(span: Span) -> bool:
    """ "incubators", "lieux d'accueil", "structures d'accompagnement"."""
    return span[-1].lower_.endswith(("s", "x")) or span[0].lower_.endswith(("s", "x"))


#: Words allowed between a plural trigger and the bracket of its list
#: ("les accélérateurs du territoire (…)", "support structures, mostly public (…)").
MAX_LIST_GAP = 4


def _nearest_plural_trigger(doc: Doc, position: int, triggers: Triggers) -> str | None:
    """The type of the plural trigger a few words before the bracket at
    ``position``; an earlier bracketed list in between is stepped over
    ("generalist (A, B) and specialised (C, D)")."""
    sentence_start = doc[position].sent.start
    end, words = position, 0
    while end > sentence_start and words <= MAX_LIST_GAP:
        if end in triggers.by_end:
            kind, start = triggers.by_end[end]
            return kind if _plural(doc[start:end]) else None
        if doc[end - 1].text == ")":
            opening = next(
                (i for i in range(end - 2, sentence_start - 1, -1) if doc[i].text == "("), None
            )
            if opening is None:
                return None
            end = opening
            continue
        end -= 1
        if doc[end].is_alpha and doc[end].lower_ not in {"and", "et", "or", "ou"}:
            words += 1
    return None


def _list_items(doc: Doc, start: int, limit: int, kind: str, rules: EntityRules) -> list[Candidate]:
    """Items of "A, B et C" (up to a bracket or the sentence's end), each typed by
    the plural trigger before them, when every item is a name."""
    bracketed = start > 0 and doc[start - 1].text == "("
    items: list[Span] = []
    item_start = position = start
    while position < limit and doc[position].text not in {")", ".", ";"}:
        token = doc[position]
        if token.text == "," or token.lower_ in {"et", "and", "ou", "or"}:
            if position > item_start:
                items.append(doc[item_start:position])
            item_start = position + 1
        position += 1
    if position > item_start:
        items.append(doc[item_start:position])
    names: list[Candidate] = []
    for item in (strip_articles(item, rules) for item in items):
        alias, item_kind = None, kind
        if len(item) > 1 and fold_key(item[0].text) in rules.triggers:
            # "accélérateur M" -> "M", an accelerator whatever the list says.
            item_kind = rules.triggers[fold_key(item[0].text)]
            alias, item = item.text, item[1:]
        # A lower-case brand ("thecamp") only inside brackets, among names.
        lone_word = (
            bracketed
            and len(item) == 1
            and item[0].is_alpha
            and len(item[0]) >= 4
            and not item[0].is_stop
            and not item[0].lower_.endswith("s")
        )
        if len(item) > 6 or not (_is_name_token(item[0]) or (lone_word and len(names) >= 2)):
            break  # the list of names ends where the sentence goes on
        names.append(Candidate(item, "ORG", "list", item_kind, alias))
    return names


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


_SOURCE_RANK = {
    "directory": 0,
    "phrase": 1,
    "quote": 2,
    "list": 3,
    "trigger": 4,
    "ner": 5,
    "shape": 6,
}


def _core_length(span: Span) -> int:
    """Tokens of a name without its article: "the X Label" is as long as "X Label"."""
    return len(span) - (1 if span[0].lower_ in _ARTICLES else 0)


def merge_candidates(candidates: list[Candidate]) -> list[Candidate]:
    """One candidate per stretch of text: the longest, then by source (directory,
    phrases, lists, triggers, the model)."""
    ordered = sorted(
        candidates, key=lambda c: (-_core_length(c.span), _SOURCE_RANK[c.source], c.span.start)
    )
    kept: list[Candidate] = []
    for candidate in ordered:
        if not any(_overlaps(k.span, candidate.span) for k in kept):
            kept.append(candidate)
    return sorted(kept, key=lambda c: c.span.start)


def join_adjacent(candidates: list[Candidate]) -> list[Candidate]:
    """Names written back to back are one name: "Aix Marseille" + "French Tech" +
    "Région Sud" is "Aix Marseille French Tech Région Sud"."""
    joined: list[Candidate] = []
    for candidate in candidates:
        previous = joined[-1] if joined else None
        doc = candidate.span.doc
        if (
            previous is not None
            and previous.span.end == candidate.span.start
            and not doc[candidate.span.start].is_sent_start
            and candidate.label not in PERSON_LABELS
            and previous.label not in PERSON_LABELS
            and {previous.label, candidate.label} & (ORG_LABELS | OTHER_LABELS)
        ):
            span = doc[previous.span.start : candidate.span.end]
            joined[-1] = Candidate(span, "ORG", "ner")
        else:
            joined.append(_extend_left(candidate))
    return joined


def _extend_left(candidate: Candidate) -> Candidate:
    """An organisation name takes the capitalised words just before it ("Aix
    Marseille" before "French Tech Région Sud"); persons and places do not."""
    if candidate.label not in ORG_LABELS | OTHER_LABELS and candidate.source != "phrase":
        return candidate
    doc, start = candidate.span.doc, candidate.span.start
    while (
        start > candidate.span.sent.start + 1
        and NAME_START.match(doc[start - 1].text)
        and not doc[start - 1].is_sent_start
        and not doc[start - 1].is_punct
    ):
        start -= 1
    first = doc[candidate.span.sent.start]
    if (
        start == first.i + 1
        and first.is_title
        and not first.is_stop
        and not _is_participle(first)
        and candidate.label in ORG_LABELS
    ):
        start = first.i  # "Vélo Rapide ouvre...": the model kept only "Rapide"
    if start == candidate.span.start:
        return candidate
    return Candidate(doc[start : candidate.span.end], "ORG", candidate.source, candidate.org_type)


_OPENING_QUOTES = {"«": "»", "“": "”", '"': '"', "‘": "’"}
#: A quoted name is short; a longer quotation is somebody's words.
MAX_QUOTED_NAME_TOKENS = 6


def _looks_like_a_name(words: Span) -> bool:
    """A name, not a quoted remark: capitalised, not opening on a pronoun or
    article, no sentence punctuation, at most two lower-case words."""
    first = words[0]
    lower = [t for t in words if t.is_lower and t.lower_ not in CONNECTORS]
    return (
        bool(NAME_START.match(first.text))
        and not first.is_stop
        and len(lower) <= 2
        and not any(t.text in _NAME_BREAKS or t.text in {".", "!", "?"} for t in words)
    )


def quoted_candidates(doc: Doc) -> list[Candidate]:
    """Short capitalised phrases in quotation marks: « Brest's Code Week », the
    "Atelier du code". The model often cuts such names at a
    lower-case word; the quotes say where they end."""
    found = []
    for token in doc:
        closing = _OPENING_QUOTES.get(token.text)
        if closing is None:
            continue
        limit = min(token.sent.end, token.i + MAX_QUOTED_NAME_TOKENS + 2)
        end = next((t.i for t in doc[token.i + 1 : limit] if t.text == closing), None)
        if end is None or end == token.i + 1:
            continue
        inside = doc[token.i + 1 : end]
        if _looks_like_a_name(inside):
            found.append(Candidate(inside, "ORG", "quote"))
    return found


def model_candidates(doc: Doc) -> list[Candidate]:
    """The NER's names, cut at punctuation, with adjacent names joined
    ("Aix" + "Marseille French Tech Région Sud" tagged apart)."""
    spans: list[list[Any]] = []
    for ent in doc.ents:
        if ent.label_ not in NAME_LABELS:
            continue
        end = next((t.i for t in ent if t.text in _NAME_BREAKS and t.i > ent.start), ent.end)
        if spans and spans[-1][1] == ent.start and not doc[ent.start].is_sent_start:
            previous = spans[-1]
            joined_label = ent.label_ if ent.label_ in ORG_LABELS | OTHER_LABELS else previous[2]
            spans[-1] = [previous[0], end, joined_label]
        else:
            spans.append([ent.start, end, ent.label_])
    return [Candidate(doc[start:end], label, "ner") for start, end, label in spans if end > start]


def shape_candidates(doc: Doc, rules: EntityRules) -> list[Candidate]:
    """Brand-shaped words the model may miss ("NautiLoop", "k8cloud"), acronyms
    that are a type keyword on their own ("CCI"), and the place of "a
    Toulouse-based startup", which the English model often misses."""
    found = [
        Candidate(doc[t.i : t.i + 1], "ORG", "shape")
        for t in doc
        if (BRAND.match(t.text) and fold_key(t.text) not in rules.junk_words)
        or (t.is_upper and len(t) >= 2 and fold_key(t.text) in rules.keyword_words)
        or _acronym(t, rules)
    ]
    for token in doc[:-2]:
        if token.is_title and doc[token.i + 1].text == "-" and doc[token.i + 2].lower_ == "based":
            found.append(Candidate(doc[token.i : token.i + 1], "GPE", "shape"))
    return found


def _acronym(token: Token, rules: EntityRules) -> bool:
    """An upper-case word of 2 to 6 letters inside a sentence ("CES", "OVH"),
    unless the rules know it as a common word ("PME", "IA")."""
    key = fold_key(token.text)
    return (
        token.is_upper
        and token.is_alpha
        and 2 <= len(token) <= 6
        and not token.is_sent_start
        and key not in rules.junk_words
        and key not in rules.triggers
    )
