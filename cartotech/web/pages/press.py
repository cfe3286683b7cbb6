"""The press review section of the actor and territory pages.

Article text is hostile input. A highlighted sentence is handed to the
template as parts (text, marked or not), which Jinja escapes one by one and
wraps in ``<mark>``; no markup is ever built from the text itself.
"""

from __future__ import annotations

import re
from typing import Any

from cartotech.store.press_review import PressReview
from cartotech.web.deps import Pagination
from cartotech.web.i18n import Translator, translator
from cartotech.web.pages.rendering import http_url, page_url

__all__ = [
    "MAX_QUOTES",
    "PAGE_PARAM",
    "PRESS_PAGE_SIZE",
    "highlight_parts",
    "press_section",
    "press_window",
]

#: Articles per page of the section.
PRESS_PAGE_SIZE = 10
#: Sentences quoted per article; the others are counted.
MAX_QUOTES = 3
#: The query parameter of the section's page (the pages have other lists).
PAGE_PARAM = "press_page"
#: The anchor of the section, so that its page links land on it.
ANCHOR = "press"

# A language tag worth putting in a ``lang`` attribute ("fr", "en", "pt-BR").
_LANG_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def highlight_parts(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """``text`` cut into consecutive parts, each marked when a span covers it.

    Spans are clamped to the text, and overlapping or touching ones merged
    (a place inside an organisation's name is one highlight). Joining the
    parts gives back ``text``.
    """
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        start, end = max(0, start), min(len(text), end)
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    parts: list[tuple[str, bool]] = []
    position = 0
    for start, end in merged:
        if start > position:
            parts.append((text[position:start], False))
        parts.append((text[start:end], True))
        position = end
    if position < len(text):
        parts.append((text[position:], False))
    return parts


def _lang_attribute(lang: str) -> str | None:
    return lang if _LANG_TAG.match(lang) else None


def _language(code: str, t: Translator) -> str:
    """The name of a language in the interface's language; the code if unknown."""
    name = t(f"language_{code}")
    return code if name == f"language_{code}" else name


def _heading(article: dict[str, Any], t: Translator) -> dict[str, Any]:
    """What an article and each of its other versions show: title, link, date, language."""
    return {
        "title": article["title"],
        "link": http_url(article["url"]),
        "published_on": article["published_on"],
        "lang": article["lang"],
        "language": _language(article["lang"], t),
        "lang_attribute": _lang_attribute(article["lang"]),
    }


def _article(article: dict[str, Any], t: Translator) -> dict[str, Any]:
    sentences = article["sentences"]
    return {
        **_heading(article, t),
        "quotes": [
            highlight_parts(sentence["text"].strip(), _shifted(sentence))
            for sentence in sentences[:MAX_QUOTES]
        ],
        "more_quotes": max(0, len(sentences) - MAX_QUOTES),
        "versions": [_heading(version, t) for version in article["other_versions"]],
    }


def _shifted(sentence: dict[str, Any]) -> list[tuple[int, int]]:
    """The highlights of a sentence whose leading blanks are stripped."""
    text: str = sentence["text"]
    lead = len(text) - len(text.lstrip())
    return [(start - lead, end - lead) for start, end in sentence["highlights"]]


def press_window(page: int) -> dict[str, int]:
    """The ``limit`` and ``offset`` of the section's ``page`` (from 1)."""
    return {"limit": PRESS_PAGE_SIZE, "offset": (page - 1) * PRESS_PAGE_SIZE}


def press_section(review: PressReview, page: int, path: str, lang: str) -> dict[str, Any]:
    """What the template's ``press_review`` macro needs: the articles of
    ``page`` shaped for display, the total and the links to the other pages
    (``path`` is the page's own path, ``lang`` the interface's language)."""
    t = translator(lang)

    def link(number: int) -> str:
        params = {PAGE_PARAM: number} if number > 1 else {}
        return f"{page_url(path, params)}#{ANCHOR}"

    return {
        "anchor": ANCHOR,
        "articles": [_article(article, t) for article in review.items],
        "total": review.total,
        **Pagination(page, PRESS_PAGE_SIZE).pager(review.total, link),
    }
