"""Bad inputs: each is reported with its path and a clear reason, and the run goes on."""

from __future__ import annotations

import json
import re
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cartotech.domain import BadInput, BadInputKind, Document
from cartotech.ingest import iter_documents, read_document_file, readers

DATA = Path(__file__).parent / "data"

GOOD_TEXT = "Ferrolune ouvre un second atelier.\n\nL'entreprise emploie déjà douze personnes.\n"
PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"


def _bad(path: Path, **options: int) -> BadInput:
    items = read_document_file(path, **options)
    assert len(items) == 1, items
    assert isinstance(items[0], BadInput), items[0]
    assert items[0].path == path
    return items[0]


def _write(path: Path, content: bytes | str) -> Path:
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("name", "content", "kind", "reason"),
    [
        ("latin1.txt", "café crème\n".encode("latin-1"), BadInputKind.ENCODING,
         "not UTF-8 at byte 3 (line 1): save the file as UTF-8"),
        ("utf16.txt", "texte".encode("utf-16"), BadInputKind.ENCODING,
         "UTF-16 text: save it as UTF-8"),
        ("empty.txt", b"", BadInputKind.EMPTY, "empty"),
        ("blank.md", b"  \n\n\t\n", BadInputKind.EMPTY, "empty"),
        ("image.txt", PNG_HEADER + bytes(range(256)), BadInputKind.BINARY,
         "binary content (PNG image)"),
        ("blob.html", b"abc\x00\x01\x02def", BadInputKind.BINARY, "binary content (NUL bytes)"),
        ("controls.txt", bytes(range(1, 9)) * 20, BadInputKind.BINARY,
         "binary content (control characters)"),
        ("report.pdf", b"%PDF-1.7\n%\xe2\xe3", BadInputKind.BINARY,
         "binary content (PDF document)"),
        ("notes.docx", b"plain words in an unknown format", BadInputKind.UNSUPPORTED,
         "unknown file type ('.docx'); articles are read from .atom, .htm, .html, .jsonl, "
         ".markdown, .md, .ndjson, .rss, .text, .txt, .xhtml, .xml"),
        ("only-markup.html",
         b"<html><head><script>var a = 1;</script><style>p{}</style></head>"
         b"<body><div></span></p><nav></nav></div></body>",
         BadInputKind.NO_TEXT, "HTML without a main text"),
        ("front.md", b"---\ntitle: [unclosed\n---\nSome text.\n", BadInputKind.MALFORMED,
         "front matter is not valid YAML (line 3)"),
        ("page.xml", b"<html><body><p>not a feed</p></body></html>", BadInputKind.NO_TEXT,
         "not an RSS or Atom feed"),
        ("broken.rss", b"<rss><channel><title>x</title><oops", BadInputKind.MALFORMED,
         "not a readable RSS/Atom feed"),
    ],
)  # fmt: skip
def test_each_bad_file_gives_its_reason(tmp_path, name, content, kind, reason):
    bad = _bad(_write(tmp_path / name, content))
    assert bad.kind is kind
    assert bad.reason.startswith(reason)
    assert bad.message == f"{tmp_path / name}: {bad.reason}"


def test_a_zip_is_an_archive_whatever_its_extension(tmp_path):
    for name in ("articles.zip", "disguised.txt"):
        with zipfile.ZipFile(tmp_path / name, "w") as archive:
            archive.writestr("article.txt", GOOD_TEXT)
        bad = _bad(tmp_path / name)
        assert bad.kind is BadInputKind.ARCHIVE
        assert bad.reason == "zip archive: not an article format"


def test_a_file_over_the_limit_is_reported_without_being_read(tmp_path):
    path = _write(tmp_path / "long.txt", GOOD_TEXT * 10)
    size = path.stat().st_size
    bad = _bad(path, max_bytes=100)
    assert (bad.kind, bad.reason) == (
        BadInputKind.TOO_LARGE,
        f"over the 100-byte limit ({size:,} bytes)",
    )
    assert isinstance(read_document_file(path, max_bytes=size)[0], Document)


def test_a_real_50_mb_text_file_is_refused_fast(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as out:
        out.write(b"mot " * (50 * 1024 * 1024 // 4))
    start = time.perf_counter()
    bad = _bad(path)
    assert time.perf_counter() - start < 0.5
    assert bad.reason == "over the 20 MB limit (52,428,800 bytes)"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("[1, 2]", "expected a JSON object with text, html, title, url, date, lang"),
        ('{"title": "no body"}', "no 'text' or 'html' field: one of them holds the article"),
        ('{"text": 42}', "field 'text' must be a string, not int"),
        ('{"text": "Du texte.", "date": "bientôt"}',
         "date 'bientôt' is not a date (write it as YYYY-MM-DD)"),
        ('{"text": "Du texte.", "lang": "??"}', "lang '??' is not a language code (fr, en, de...)"),
        ('{"text": "   "}', "no text in 'text' or 'html'"),
        ('{"html": "<script>x()</script>"}', "no text in 'text' or 'html'"),
        ("[" * 100_000, "not valid JSON (nested too deeply)"),
    ],
)  # fmt: skip
def test_each_bad_json_line_gives_its_reason(tmp_path, line, reason):
    good = json.dumps({"text": GOOD_TEXT, "lang": "fr"})
    path = _write(tmp_path / "lines.jsonl", f"{good}\n{line}\n\n{good}\n")
    items = read_document_file(path)
    assert [type(item).__name__ for item in items] == ["Document", "BadInput", "Document"]
    bad = items[1]
    assert isinstance(bad, BadInput)
    assert (bad.line, bad.reason) == (2, reason)
    assert bad.message == f"{path}, line 2: {reason}"


def test_the_run_goes_on_past_every_bad_file(tmp_path):
    _write(tmp_path / "1-latin1.txt", "été".encode("latin-1"))
    _write(tmp_path / "2-empty.txt", "")
    _write(tmp_path / "3-image.html", PNG_HEADER)
    _write(tmp_path / "4-good.txt", GOOD_TEXT)
    _write(tmp_path / "5-unknown.doc", "x")
    with zipfile.ZipFile(tmp_path / "6-archive.zip", "w") as archive:
        archive.writestr("a.txt", GOOD_TEXT)
    _write(tmp_path / "7-big.txt", GOOD_TEXT * 20)
    _write(tmp_path / "8-broken.html", "<html><body><script>1</script></div>")
    items = list(iter_documents([tmp_path], max_bytes=500))
    kinds = [item.kind if isinstance(item, BadInput) else "document" for item in items]
    assert kinds == [
        BadInputKind.ENCODING,
        BadInputKind.EMPTY,
        BadInputKind.BINARY,
        "document",
        BadInputKind.UNSUPPORTED,
        BadInputKind.ARCHIVE,
        BadInputKind.TOO_LARGE,
        BadInputKind.NO_TEXT,
    ]
    assert [item.path.name for item in items] == sorted(path.name for path in tmp_path.iterdir())


def test_an_html_page_in_a_declared_charset_is_read(tmp_path):
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>Un été à Brest.</p></body>'
    document = read_document_file(_write(tmp_path / "old.html", page.encode("latin-1")))[0]
    assert isinstance(document, Document)
    assert "Un été à Brest." in document.text


# --- hostile HTML never reaches a document as markup --------------------------------------

_TAG = re.compile(r"<[/!?a-zA-Z][^<>]*>")
_HOSTILE = st.sampled_from(
    [
        "<script>HIDDEN()</script>",
        "<script src='x.js'></script>",
        "<style>p::after{content:'HIDDEN'}</style>",
        "<a href=\"javascript:alert('HIDDEN')\">lien</a>",
        '<img src=x onerror="HIDDEN()">',
        '<iframe src="javascript:HIDDEN"></iframe>',
        "<svg><script>HIDDEN</script></svg>",
        "<!-- HIDDEN -->",
        "<![CDATA[ HIDDEN ]]>",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "<scr<script>shown</script>ipt>",  # browsers show "shown": a tag named "scr<script"
        "<p onclick='HIDDEN()'>un paragraphe</p>",
        "</div></span></p>",
        "<div><div><div>",
        "<noscript><p>HIDDEN</p></noscript>",
        "<template><p>HIDDEN</p></template>",
        "<object data='javascript:HIDDEN'></object>",
    ]
)
_WORDS = st.sampled_from(
    ["La société", "Brisecap", "annonce", "vingt recrutements", "à Brest", "cette année."]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pieces=st.lists(st.one_of(_HOSTILE, _WORDS), min_size=1, max_size=30),
    depth=st.sampled_from([0, 10, 300, 5_000]),
    suffix=st.sampled_from([".html", ".md"]),
)
def test_hostile_html_never_ends_up_as_markup(pieces, depth, suffix) -> None:
    body = "<div>" * depth + " ".join(pieces) + "</div>" * depth
    page = f"<html><head><title>Titre</title></head><body><article>{body}</article></body></html>"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"page{suffix}"
        path.write_text(page if suffix == ".html" else body, encoding="utf-8")
        items = read_document_file(path)
    assert len(items) == 1
    item = items[0]
    if isinstance(item, Document):
        assert not _TAG.search(item.text), item.text
        assert "HIDDEN" not in item.text
        assert "javascript" not in item.text
        assert not _TAG.search(item.title or "")
    else:
        assert item.kind in (BadInputKind.NO_TEXT, BadInputKind.EMPTY)


def test_what_is_not_a_regular_file_is_reported(tmp_path):
    bad = _bad(tmp_path)
    assert (bad.kind, bad.reason) == (BadInputKind.UNREADABLE, "not a regular file")


def test_a_parser_failure_is_that_file_s_bad_input(tmp_path, monkeypatch):
    def explode(path, data):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setitem(readers.FORMATS, ".txt", explode)
    items = list(iter_documents([_write(tmp_path / "a.txt", GOOD_TEXT), DATA / "article.md"]))
    assert isinstance(items[0], BadInput)
    assert items[0].reason == (
        "could not be parsed (RecursionError: maximum recursion depth exceeded)"
    )
    assert isinstance(items[1], Document)
