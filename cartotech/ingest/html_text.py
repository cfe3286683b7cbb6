"""HTML to plain text: an article page's main text and metadata, or a fragment's text.

Pages go through trafilatura (main text, title, date, canonical url;
navigation, scripts, styles and other boilerplate dropped). When it finds no
main text (short or broken pages) lxml reads the visible text instead.
Whatever the path, what comes out is text: script and style contents are
dropped and any leftover tag-like sequence is removed, so no markup reaches a
document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.etree
import lxml.html
import trafilatura

from cartotech.ingest.dates import metadata_date

__all__ = ["HtmlArticle", "fragment_to_text", "page_to_article", "strip_markup"]

# Never visible, or not article text.
_INVISIBLE = (
    "script",
    "style",
    "noscript",
    "template",
    "head",
    "title",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "canvas",
    "select",
    "button",
    "form",
)
_BOILERPLATE = ("nav", "header", "footer", "aside")
# Removed before trafilatura looks for the main text: on short pages it keeps
# menus and asides otherwise, and it reads <noscript> and <template> as text.
# A header inside the article (the headline) stays.
_PRUNE = [
    "//nav",
    "//aside",
    "//footer",
    "//header[not(ancestor::article) and not(ancestor::main)]",
    "//noscript",
    "//template",
    "//iframe",
    "//object",
    "//svg",
]
# Above this many tags, lxml alone reads the page: trafilatura's cost grows
# faster than the page (a minute for 10 MB of repeated paragraphs), and a news
# page has a few thousand tags.
_MAX_TAGS_FOR_TRAFILATURA = 50_000
_BLOCKS = frozenset(
    ("address", "article", "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure", "h1")
    + ("h2", "h3", "h4", "h5", "h6", "hr", "li", "main", "ol", "p", "pre", "section", "table")
    + ("tbody", "td", "th", "thead", "tr", "ul")
)
# "<" followed by what starts a tag, a comment, a doctype or a processing
# instruction, up to the next ">".
_TAG_LIKE = re.compile(r"<[/!?a-zA-Z][^<>]*>")
# Elements whose content is never article text, left as text (escaped in a
# page, inline in Markdown): removed with their body.
_SCRIPT_LIKE = re.compile(
    r"<(script|style|noscript|template|iframe|object|svg|math)\b[^>]*>.*?(?:</\1\s*>|$)",
    re.IGNORECASE | re.DOTALL,
)


@dataclass(frozen=True)
class HtmlArticle:
    """What a page says about itself: text (possibly empty) and metadata."""

    text: str
    title: str | None = None
    published: str | None = None
    url: str | None = None


def strip_markup(text: str) -> str:
    """Remove tag-like sequences (and script or style bodies) left in a text."""
    previous = None
    while previous != text:  # "<scr<b>ipt>" becomes "<script>" once "<b>" goes
        previous = text
        text = _TAG_LIKE.sub("", _SCRIPT_LIKE.sub("", text))
    return text


def _parse(markup: str) -> lxml.html.HtmlElement | None:
    parser = lxml.html.HTMLParser(recover=True, remove_comments=True, remove_pis=True)
    try:
        return lxml.html.document_fromstring(markup, parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return None  # nothing to parse: empty, only comments, only whitespace


def _visible_text(root: lxml.html.HtmlElement, *, drop_boilerplate: bool) -> str:
    dropped = _INVISIBLE + (_BOILERPLATE if drop_boilerplate else ())
    lxml.etree.strip_elements(root, *dropped, with_tail=False)
    for element in root.iter(lxml.etree.Element):
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "br":
            element.tail = "\n" + (element.tail or "")
        elif tag in _BLOCKS:
            element.text = "\n" + (element.text or "")
            element.tail = "\n" + (element.tail or "")
    return strip_markup(root.text_content())


def fragment_to_text(markup: str) -> str:
    """The visible text of an HTML fragment (a feed entry's content, a summary)."""
    root = _parse(markup)
    return "" if root is None else _visible_text(root, drop_boilerplate=False)


def _text_of(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = strip_markup(value).strip()
    return text or None


def page_to_article(markup: str, *, url: str | None = None) -> HtmlArticle:
    """The main text and metadata of an HTML page.

    ``text`` is empty when the page has no visible text at all; the caller
    decides what that means. Parsing errors of the libraries on hostile input
    (too deep, too large) end in the lxml reading, never in an exception;
    so do pages of more than 50,000 tags.
    """
    extracted = None
    try:
        if markup.count("<") <= _MAX_TAGS_FOR_TRAFILATURA:
            extracted = trafilatura.bare_extraction(
                markup,
                url=url,
                with_metadata=True,
                include_comments=False,
                include_tables=True,
                favor_recall=True,
                prune_xpath=_PRUNE,
            )
    except (RecursionError, ValueError, lxml.etree.LxmlError):
        extracted = None
    text = title = published = found_url = None
    if extracted is not None and not isinstance(extracted, dict):
        text = _text_of(extracted.text)
        title = _text_of(extracted.title)
        published = metadata_date(extracted.date) if isinstance(extracted.date, str) else None
        found_url = _text_of(extracted.url)
    if not text:
        root = _parse(markup)
        if root is not None:
            title = title or _text_of(root.findtext(".//title"))
            text = _visible_text(root, drop_boilerplate=True).strip() or None
    return HtmlArticle(text=text or "", title=title, published=published, url=found_url or url)
