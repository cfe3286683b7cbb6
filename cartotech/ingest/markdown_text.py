"""Markdown to plain text: the words a reader sees, and the front matter's metadata.

Not a full CommonMark renderer: it removes what articles written in Markdown
use (headings, emphasis, links, images, lists, quotes, code, tables, inline
HTML, YAML front matter) and keeps the words. The first ``# Heading`` (or the
front matter's ``title``) is the title.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import yaml

from cartotech.ingest.html_text import strip_markup

__all__ = ["MarkdownArticle", "markdown_to_article"]

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FENCE = re.compile(r"^[ \t]*(```|~~~).*?^[ \t]*\1[^\n]*$\n?", re.MULTILINE | re.DOTALL)
_ATX_HEADING = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$", re.MULTILINE)
_SETEXT_UNDERLINE = re.compile(r"^[ \t]{0,3}(=+|-+)[ \t]*$", re.MULTILINE)
_RULE = re.compile(r"^[ \t]{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$", re.MULTILINE)
_LINK_DEFINITION = re.compile(r"^[ \t]{0,3}\[[^\]\n]+\]:[ \t]+\S+.*$", re.MULTILINE)
_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)|!\[[^\]\n]*\]\[[^\]\n]*\]")
_LINK = re.compile(r"\[([^\]\n]+)\](?:\([^)\n]*\)|\[[^\]\n]*\])")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_TABLE_RULE = re.compile(
    r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+\|?[ \t]*$", re.MULTILINE
)
_QUOTE = re.compile(r"^[ \t]*(?:>[ \t]?)+", re.MULTILINE)
_LIST_MARKER = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+", re.MULTILINE)
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_CODE = re.compile(r"`+([^`\n]*)`+")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")


@dataclass(frozen=True)
class MarkdownArticle:
    """The text of a Markdown article, its title and its front matter."""

    text: str
    title: str | None
    meta: dict[str, object] = field(default_factory=dict)


def _front_matter(markdown: str) -> tuple[dict[str, object], str]:
    """The front matter as a dict and the rest; raises ValueError when not YAML."""
    match = _FRONT_MATTER.match(markdown)
    if not match:
        return {}, markdown
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        raise ValueError(f"front matter is not valid YAML{where}") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ValueError("front matter is not a mapping of keys to values")
    return {str(key): value for key, value in meta.items()}, markdown[match.end() :]


def _title(body: str) -> str | None:
    lines = body.split("\n")
    for index, line in enumerate(lines):
        heading = _ATX_HEADING.fullmatch(line)
        if heading and len(heading.group(1)) == 1:
            return heading.group(2).strip() or None
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if line.strip() and re.fullmatch(r"[ \t]{0,3}=+[ \t]*", following):
            return line.strip()
    return None


def markdown_to_article(markdown: str) -> MarkdownArticle:
    """Text, title and front matter of a Markdown article (ValueError on bad front matter)."""
    markdown = markdown.replace("\r\n", "\n").replace("\r", "\n")
    meta, body = _front_matter(markdown)
    body = _FENCE.sub("", body)
    title_text = _title(body)
    text = _ATX_HEADING.sub(r"\2", body)
    text = _SETEXT_UNDERLINE.sub("", text)
    text = _RULE.sub("", text)
    text = _LINK_DEFINITION.sub("", text)
    text = _TABLE_RULE.sub("", text)
    text = _IMAGE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _QUOTE.sub("", text)
    text = _LIST_MARKER.sub("", text)
    text = "\n".join(
        " ".join(line.strip().strip("|").split("|")) if line.lstrip().startswith("|") else line
        for line in text.split("\n")
    )
    text = _CODE.sub(r"\1", text)
    for pattern in (_STRONG, _STRIKE):
        text = pattern.sub(lambda m: m.group(m.lastindex or 0), text)
    text = _EMPHASIS.sub(r"\2", text)
    text = _ESCAPE.sub(r"\1", text)
    text = strip_markup(html.unescape(strip_markup(text)))
    title = strip_markup(_EMPHASIS.sub(r"\2", _LINK.sub(r"\1", title_text))) if title_text else None
    return MarkdownArticle(text=text, title=title, meta=meta)
