"""People's roles and organisations, from the words around their names.

Patterns of the genre, both languages:

- after the name: "X, président de Y", "X, CEO of Y", "X, fondateur et
  président de Y" (each role of a list is kept for relations);
- before it: "le président de Y, X", "Y's CEO X", "the founder of Y X";
- in brackets: "X (Y)" gives the organisation and no role.

``role`` is written as the text words it, from the role word to the end of
the organisation ("Président du conseil régional"), as the gold does.
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc, Span, Token

from cartotech.extract.rules import EntityRules, fold_key

__all__ = ["find_people", "role_at"]

_WINDOW = 12
_SKIP_BEFORE_ROLE = frozenset(
    {
        "le",
        "la",
        "l'",
        "the",
        "son",
        "sa",
        "its",
        "his",
        "her",
        "leur",
        "their",
        "notre",
        "our",
        "nouveau",
        "nouvelle",
        "new",
        "actuel",
        "actuelle",
        "current",
        "former",
        "ancien",
        "ancienne",
        "co",
        "-",
    }
)
_OF = frozenset({"de", "du", "des", "d'", "of", "at", "chez", "au", "a", "à", "pour", "for"})
_AND = frozenset({"et", "and", "&", ","})
_ARTICLES = frozenset({"la", "l'", "le", "the", "les"})


def role_at(doc: Doc, position: int, limit: int, rules: EntityRules) -> tuple[int, str] | None:
    """The role phrase starting at token ``position``: (end token, predicate)."""
    for size in range(min(rules.max_role_words, limit - position), 0, -1):
        if doc[position + size - 1].is_punct:
            continue  # "fondateur ,": the comma folds away but is no part of the role
        words = [fold_key(t.text) for t in doc[position : position + size]]
        key = " ".join(w for w in words if w)
        if key in rules.roles:
            return position + size, rules.roles[key]
    return None


def _org_at(orgs: list[dict[str, Any]], start_char: int, slack: int = 0) -> dict[str, Any] | None:
    for org in orgs:
        if start_char <= org["start"] <= start_char + slack:
            return org
    return None


def _roles_after(
    doc: Doc, span: Span, orgs: list[dict[str, Any]], rules: EntityRules
) -> list[tuple[str, str, dict[str, Any] | None, int, int]]:
    """Roles written after the name: (role text, predicate, organisation, start, end)."""
    found: list[tuple[str, str, dict[str, Any] | None, int, int]] = []
    position = span.end
    limit = span.sent.end
    if position >= limit or doc[position].text not in {",", "("}:
        return found
    position += 1
    while position < limit:
        while position < limit and doc[position].lower_ in _SKIP_BEFORE_ROLE:
            position += 1
        role = role_at(doc, position, limit, rules) if position < limit else None
        if role is None:
            break
        role_start, (end, predicate) = position, role
        org = None
        if end < limit and doc[end].lower_ in _OF:
            following = end + 1
            while following < limit and doc[following].lower_ in _ARTICLES:
                following += 1
            if following < limit:
                # "directrice de l'incubateur X": a trigger noun may stand before the name.
                org = _org_at(orgs, doc[following].idx, slack=16)
                if org is None:
                    org = _org_after_complement(doc, following, limit, orgs)
                    # A head of programmes at Y works at Y but does not lead it.
                    predicate = "" if org else predicate
        elif end < limit:
            org = _org_at(orgs, doc[end].idx, slack=2)
        org_span = doc.char_span(org["start"], org["end"], alignment_mode="expand") if org else None
        role_end = org_span.end if org_span is not None else end
        found.append((doc[role_start:role_end].text, predicate, org, role_start, role_end))
        position = role_end
        if position < limit and doc[position].lower_ in _AND:
            position += 1
            continue
        break
    return _share_organisation(doc, found)


_COMPLEMENT_WORDS = 5


def _org_after_complement(
    doc: Doc, position: int, limit: int, orgs: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """ "head of startup programmes at Y", "directrice des programmes chez Y":
    a short complement of the role, then the organisation."""
    for index in range(position, min(limit - 1, position + _COMPLEMENT_WORDS)):
        if doc[index].is_punct:
            return None
        if doc[index].lower_ in _OF:
            following = index + 1
            while following < limit and doc[following].lower_ in _ARTICLES:
                following += 1
            if following < limit and (org := _org_at(orgs, doc[following].idx, slack=2)):
                return org
    return None


def _share_organisation(
    doc: Doc, roles: list[tuple[str, str, dict[str, Any] | None, int, int]]
) -> list[tuple[str, str, dict[str, Any] | None, int, int]]:
    """ "cofondatrice et présidente de Y": the roles listed before the one
    naming Y are held at Y too, and the role text is the whole list."""
    named = next((i for i, role in enumerate(roles) if role[2] is not None), None)
    if not named or roles[0][2] is not None:
        return roles
    org, end = roles[named][2], roles[named][4]
    shared = [(text, predicate, org, start, stop) for text, predicate, _, start, stop in roles]
    first = shared[0]
    shared[0] = (doc[first[3] : end].text, first[1], org, first[3], end)
    return shared[:named] + [(t, p, o, s, e) for t, p, o, s, e in roles[named:]]


def _role_before(
    doc: Doc, span: Span, orgs: list[dict[str, Any]], rules: EntityRules
) -> tuple[str, str, dict[str, Any] | None] | None:
    """ "le président de Y, X" / "Y's CEO X" / "the founder of Y, X"."""
    first = max(span.sent.start, span.start - _WINDOW)
    for position in range(first, span.start):
        role = role_at(doc, position, span.start, rules)
        if role is None:
            continue
        end, predicate = role
        between = doc[end : span.start]
        inner = [o for o in orgs if between.start_char <= o["start"] < span.start_char]
        # The tagger does not run (speed): a long gap stands for "a verb in between".
        if len(between) > 8 or any(t.is_sent_start for t in between[1:]):
            continue
        text_end = span.start
        while text_end > end and doc[text_end - 1].is_punct:
            text_end -= 1
        org = inner[0] if inner else None
        if org is None and position > 0:
            # "Y's CEO X": the organisation precedes the role.
            before = [
                o
                for o in orgs
                if o["end"] <= doc[position].idx and doc[position].idx - o["end"] <= 4
            ]
            org = before[-1] if before else None
        if org is None and position > 0 and doc[position - 1].lower_ in _POSSESSIVES:
            org = _possessor(doc, doc[position], orgs)
        return doc[position:text_end].text, predicate, org
    return None


_POSSESSIVES = frozenset({"son", "sa", "ses", "its", "leur", "their"})


def _possessor(doc: Doc, role: Token, orgs: list[dict[str, Any]]) -> dict[str, Any] | None:
    """ "Librencre recrute. Son fondateur, X, ...": the organisation a possessive
    role points to, the last one named before it in its sentence or the one before."""
    sentence = role.sent
    start = doc[sentence.start - 1].sent.start_char if sentence.start > 0 else sentence.start_char
    earlier = [o for o in orgs if start <= o["start"] and o["end"] <= role.idx]
    return earlier[-1] if earlier else None


def find_people(
    doc: Doc, entities: list[dict[str, Any]], rules: EntityRules
) -> list[dict[str, Any]]:
    """One record per person mention: name, role, organisation, and the
    ``(predicate, organisation)`` pairs its roles imply."""
    orgs = [e for e in entities if e["kind"] == "org"]
    people = []
    for person in (e for e in entities if e["kind"] == "person"):
        span = doc.char_span(person["start"], person["end"], alignment_mode="expand")
        if span is None:
            continue
        record: dict[str, Any] = {
            "name": person["text"],
            "start": person["start"],
            "end": person["end"],
            "sentence": person["sentence"],
            "role": None,
            "organization": None,
            "links": [],
        }
        after = _roles_after(doc, span, orgs, rules)
        if after:
            record["role"] = after[0][0]
            record["organization"] = after[0][2]["text"] if after[0][2] else None
            record["links"] = [[p, o["text"]] for _, p, o, _, _ in after if o and p]
        else:
            before = _role_before(doc, span, orgs, rules)
            if before is not None:
                role, predicate, org = before
                record["role"] = role
                record["organization"] = org["text"] if org else None
                if org and predicate:
                    record["links"] = [[predicate, org["text"]]]
            elif span.end + 2 < len(doc) and doc[span.end].text == "(":
                org = _org_at(orgs, doc[span.end + 1].idx)
                record["organization"] = org["text"] if org else None
        people.append(record)
    _attribute_speaker_roles(doc, orgs, people, rules)
    return people


# "Pour le fondateur de Y, ...", "According to the founder of Y, ...": the
# role names the person quoted just before, not someone new.
_ATTRIBUTION = frozenset({"pour", "for", "selon", "d'apres", "according"})


def _attribute_speaker_roles(
    doc: Doc, orgs: list[dict[str, Any]], people: list[dict[str, Any]], rules: EntityRules
) -> None:
    """Give the previous sentence's person the role a person-less sentence
    attributes ("Pour le fondateur de Y, ..." after "..., annonce X")."""
    sentences = list(doc.sents)
    for index, sentence in enumerate(sentences[1:], start=1):
        if any(sentence.start_char <= p["start"] < sentence.end_char for p in people):
            continue
        words = [t for t in sentence[:6] if not t.is_punct]
        if not words or fold_key(words[0].text) not in _ATTRIBUTION:
            continue
        position = words[0].i + 1
        while position < sentence.end and doc[position].lower_ in _SKIP_BEFORE_ROLE | {"to"}:
            position += 1
        role = role_at(doc, position, sentence.end, rules)
        if role is None:
            continue
        end, predicate = role
        if end >= sentence.end or doc[end].lower_ not in _OF or end + 1 >= sentence.end:
            continue
        org = _org_at(orgs, doc[end + 1].idx, slack=16)
        previous = sentences[index - 1]
        speakers = [p for p in people if previous.start_char <= p["start"] < previous.end_char]
        if org is None or not speakers or not predicate:
            continue
        speakers[-1]["links"].append([predicate, org["text"]])
