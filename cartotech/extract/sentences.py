"""Sentence boundaries the statistical splitter should not have drawn.

The ``senter`` that replaces the parser now and then starts a sentence on a
capitalised word in the middle of a phrase ("... the Data Innovation | Forum in
Berlin"), which cuts names and relations in two. Press text ends its sentences
with punctuation or a line break, so a boundary without either is removed.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

__all__ = ["repair_sentence_starts"]

_TERMINAL = frozenset({".", "!", "?", "…", ";", "...", "?!", "!?"})
_CLOSING_QUOTES = frozenset({"»", "”", '"', "’", ")"})


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


def repair_sentence_starts(doc: Doc) -> Doc:
    """Unset every sentence start not preceded by end punctuation or a line break."""
    for token in doc[1:]:
        if not token.is_sent_start:
            continue
        if not _boundary_is_written(doc, token.i):
            token.is_sent_start = False
        elif token.is_space and token.i + 1 < len(doc):
            # A sentence starts on its first word, not on the line break before it.
            token.is_sent_start = False
            doc[token.i + 1].is_sent_start = True
    return doc
