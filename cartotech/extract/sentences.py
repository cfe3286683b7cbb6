"""Sentence boundaries the statistical splitter should not have drawn.

The ``senter`` that replaces the parser now and then starts a sentence on a
capitalised word in the middle of a phrase ("... the Data Innovation | Forum in
Berlin"), which cuts names and relations in two. Press text ends its sentences
with punctuation or a line break, so a boundary without either is removed, and
every blank line is a boundary (a title has no full stop).

Once the boundaries are final, the doc answers ``span.sent`` and ``token.sent``
from a sorted list of sentence starts: spaCy's own lookup walks the whole doc
to check its annotation on every call, and the components ask thousands of
times per article.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable

from spacy.tokens import Doc, Span, Token

__all__ = ["index_sentences", "release_sentence_index", "repair_sentence_starts"]

_TERMINAL = frozenset({".", "!", "?", "…", ";", "...", "?!", "!?"})
_CLOSING_QUOTES = frozenset({"»", "”", '"', "’", ")"})
_OPENING_QUOTES = frozenset({"«", "“", '"', "("})
_CLOSERS = frozenset({"»", "”", ")"})  # '"' opens as often as it closes


def _ends_sentence(token: Token) -> bool:
    if token.is_space or "\n" in token.whitespace_:
        return True
    return token.text in _TERMINAL or (len(token) > 1 and token.text.endswith((".", "!", "?")))


def _boundary_is_written(doc: Doc, start: int) -> bool:
    previous = doc[start - 1]
    if _ends_sentence(previous):
        return True
    # «C'est fait.» Puis ... : the quote closes after the full stop.
    return previous.text in _CLOSING_QUOTES and start >= 2 and _ends_sentence(doc[start - 2])


def _opens_quoted_sentence(doc: Doc, start: int) -> bool:
    return start >= 2 and doc[start - 1].text in _OPENING_QUOTES and _ends_sentence(doc[start - 2])


def _after_blank_line(doc: Doc, start: int) -> bool:
    previous = doc[start - 1]
    return previous.is_space and previous.text.count("\n") >= 2


def repair_sentence_starts(doc: Doc) -> Doc:
    """Start a sentence after every blank line (a title has no full stop; a
    single line break may be a hard-wrapped paragraph's), and unset every start
    not preceded by end punctuation or a line break, or on a closing quote or a
    lower-case word (« Oui. » dit-il)."""
    for token in doc[1:]:
        if not token.is_space and _after_blank_line(doc, token.i):
            token.is_sent_start = True
            continue
        if not token.is_sent_start:
            continue
        if token.text in _CLOSERS and token.i + 1 < len(doc):
            # "« C'est fait. » dit-il": the closing quote ends the sentence before it.
            token.is_sent_start = False
            following = doc[token.i + 1]
            following.is_sent_start = not following.text[:1].islower()
            continue
        if _opens_quoted_sentence(doc, token.i):
            # "… a signé. « C'est fait »": the sentence starts on the quote.
            token.is_sent_start = False
            doc[token.i - 1].is_sent_start = True
            continue
        if not _boundary_is_written(doc, token.i) or token.text[:1].islower():
            token.is_sent_start = False
        elif token.is_space and token.i + 1 < len(doc):
            # A sentence starts on its first word, not on the line break before it.
            token.is_sent_start = False
            doc[token.i + 1].is_sent_start = True
    return doc


def index_sentences(doc: Doc) -> Doc:
    """Answer ``span.sent`` (and so ``token.sent``) by bisecting the sentence
    starts as they are now; call it after the last change to the boundaries."""
    starts = [0, *(int(i) for i in (doc.to_array("SENT_START") == 1).nonzero()[0] if i > 0)]
    doc.user_span_hooks["sent"] = _sentence_of(starts)
    return doc


def _sentence_of(starts: list[int]) -> Callable[[Span], Span]:
    def sentence(span: Span) -> Span:
        index = bisect_right(starts, span.start) - 1
        end = starts[index + 1] if index + 1 < len(starts) else len(span.doc)
        return span.doc[starts[index] : end]

    return sentence


def release_sentence_index(doc: Doc) -> Doc:
    """Remove what :func:`index_sentences` installed (spaCy's own lookup again)."""
    doc.user_span_hooks.pop("sent", None)
    return doc
