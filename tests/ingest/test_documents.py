"""Reading press articles: the seeds, each format, folders, normalisation."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cartotech.domain import BadInput, BadInputKind, Document, normalize_text, text_hash
from cartotech.ingest import iter_documents, iter_input_files, read_document_file

DATA = Path(__file__).parent / "data"
SEED_LANGUAGES = {"000": "en", "001": "en", "002": "fr", "003": "fr", "004": "fr"}


def _documents(paths: list[Path], **options: int) -> list[Document]:
    items = list(iter_documents(paths, **options))
    assert all(isinstance(item, Document) for item in items), items
    return [item for item in items if isinstance(item, Document)]


def _only(items: list[Document | BadInput]) -> Document:
    assert len(items) == 1, items
    assert isinstance(items[0], Document), items[0]
    return items[0]


@pytest.fixture(scope="module")
def seed_documents(seeds_dir: Path) -> dict[str, Document]:
    return {document.path.name[:3]: document for document in _documents([seeds_dir])}


# --- the seed articles -------------------------------------------------------------------


def test_the_five_seeds_are_read_with_their_languages(seed_documents: dict[str, Document]):
    assert {key: doc.lang for key, doc in seed_documents.items()} == SEED_LANGUAGES
    for document in seed_documents.values():
        assert document.fmt == "txt"
        assert document.content_hash == hashlib.sha256(document.text.encode()).hexdigest()
        assert "\u2019" not in document.text
        assert "\u00a0" not in document.text


def test_a_short_first_line_is_the_title_a_paragraph_is_not(seed_documents):
    # 004 opens with a headline line; 001 opens straight with a long paragraph.
    title = seed_documents["004"].title
    assert title is not None
    assert seed_documents["004"].text.startswith(title)
    assert seed_documents["001"].title is None


# --- each format -------------------------------------------------------------------------


def test_txt_title_and_normalised_text():
    document = _only(read_document_file(DATA / "article.txt"))
    assert document.title == "Ferrolune ouvre un atelier à Clermont-Ferrand"
    assert "s'installe" in document.text  # typographic apostrophe -> '
    assert document.lang == "fr"
    assert (document.published, document.url, document.source) == (
        None,
        None,
        str(DATA / "article.txt"),
    )


def test_markdown_markup_is_stripped_and_front_matter_read():
    document = _only(read_document_file(DATA / "article.md"))
    assert document.title == "Quaiverte lève 1,2 million d'euros"
    assert document.published == "2023-05-09"
    assert document.url == "https://exemple.org/quaiverte"
    assert document.text.startswith(document.title + "\n\n")
    assert "La start-up Quaiverte, basée à Nantes, a bouclé" in document.text
    assert "deux fonds régionaux" in document.text
    assert "ouvrir une antenne à Angers" in document.text
    for markup in ("**", "](", "![", "# ", "`", "|---", "> «", "- recruter", "---"):
        assert markup not in document.text, markup
    assert "bacs.png" not in document.text


def test_html_main_text_without_boilerplate_scripts_or_styles():
    document = _only(read_document_file(DATA / "page.html"))
    assert document.title == "Harbourline opens a lab in Lille"
    assert document.published == "2022-11-03"
    assert document.url == "https://example.org/news/harbourline-lille"
    assert document.lang == "en"
    assert "opened a research lab" in document.text
    # The text after the unclosed <p>, <div> and <span> is still there.
    assert "two regional shippers" in document.text
    for leak in ("MARKER", "Subscribe now", "Related:", "rights reserved", "<", "javascript"):
        assert leak not in document.text, leak


def test_jsonl_one_bad_line_and_the_others_go_on():
    items = read_document_file(DATA / "articles.jsonl")
    assert [type(item).__name__ for item in items] == [
        "Document",
        "Document",
        "BadInput",
        "Document",
    ]
    first, second, bad, fourth = items
    assert isinstance(first, Document)
    assert isinstance(second, Document)
    assert isinstance(fourth, Document)
    assert isinstance(bad, BadInput)
    assert (first.lang, first.published, first.line) == ("fr", "2024-01-15", 1)
    assert first.source == f"{DATA / 'articles.jsonl'}#line=1"
    # From "html": the page's text, the nav and script dropped; a written date.
    assert second.text == (
        "Brisecap hires in Brest\n\nBrisecap, a Brest company making connected buoys, "
        "plans 20 hires in 2024 to keep up with its orders."
    )
    assert (second.lang, second.published) == ("en", "2024-01-15")
    assert bad.line == 3
    assert bad.kind is BadInputKind.MALFORMED
    assert bad.message.startswith(f"{DATA / 'articles.jsonl'}, line 3: not valid JSON")
    assert (fourth.title, fourth.lang, fourth.line) == (None, "fr", 4)


def test_rss_entries_with_content_or_summary():
    items = read_document_file(DATA / "feed.rss")
    assert [getattr(item, "entry", None) for item in items] == [1, 2, 3]
    first, empty, third = items
    assert isinstance(first, Document)
    assert first.title == "Vélomarée double sa surface à Rennes"
    assert first.published == "2024-03-12"
    assert first.url == "https://exemple.org/velomaree"
    assert "passe de 400 à 800 mètres carrés" in first.text  # the full content, not the summary
    assert "alert" not in first.text
    assert first.source.endswith("feed.rss#entry=1")
    assert isinstance(empty, BadInput)
    assert empty.message.endswith("feed.rss, entry 2: entry without content or summary")
    assert isinstance(third, Document)
    assert (third.lang, third.published) == ("fr", "2024-03-04")


def test_atom_entry_date_as_written_in_the_feed():
    document = _only(read_document_file(DATA / "feed.atom"))
    assert document.title == "Tidewell raises seed funding in Montpellier"
    # 23:30 at UTC-5 is the next day in UTC: the date stays the one the source wrote.
    assert document.published == "2024-02-19"
    assert document.url == "https://example.org/tidewell"
    assert document.lang == "en"
    assert "€1.5 million" in document.text
    assert "<p>" not in document.text


# --- folders -----------------------------------------------------------------------------


def test_a_folder_is_read_recursively_in_a_stable_order(tmp_path):
    (tmp_path / "b" / "deeper").mkdir(parents=True)
    (tmp_path / "a").mkdir()
    (tmp_path / ".git").mkdir()
    shutil.copy(DATA / "article.txt", tmp_path / "b" / "deeper" / "z.txt")
    shutil.copy(DATA / "article.md", tmp_path / "b" / "a.md")
    shutil.copy(DATA / "page.html", tmp_path / "a" / "page.html")
    shutil.copy(DATA / "feed.atom", tmp_path / "top.atom")
    (tmp_path / ".git" / "HEAD.txt").write_text("hidden folders are skipped")
    (tmp_path / ".notes.txt").write_text("hidden files are skipped")
    files = list(iter_input_files([tmp_path]))
    expected = ["a/page.html", "b/a.md", "b/deeper/z.txt", "top.atom"]
    assert [str(Path(file).relative_to(tmp_path)) for file in files] == expected
    first = [item.source for item in _documents([tmp_path])]
    assert first == [item.source for item in _documents([tmp_path])]
    assert len(first) == 4


def test_a_missing_path_is_reported_and_the_others_are_read(tmp_path):
    items = list(iter_documents([tmp_path / "nowhere", DATA / "article.txt"]))
    assert isinstance(items[0], BadInput)
    assert items[0].reason == "no such file or folder"
    assert isinstance(items[1], Document)


# --- normalisation and determinism (properties) ------------------------------------------


@given(st.text())
def test_normalisation_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert text_hash(text) == text_hash(once)
    for char in ("\u2019", "\u00a0", "\u202f", "\u00ad", "\r", "\ufeff"):
        assert char not in once


def test_normalisation_examples():
    raw = "L\u2019incubateur\u00a0a\u202flevé 1\u00a0990\u00a0€\r\n\r\n\r\nsoft\u00adhyphen  end "
    assert normalize_text(raw) == "L'incubateur a levé 1 990 €\n\nsofthyphen end"


_FILES = st.sampled_from(["article.txt", "article.md", "page.html", "articles.jsonl", "feed.rss"])
_FOLDERS = st.lists(
    st.tuples(st.sampled_from(["", "x", "x/y", "z"]), st.text("abc", min_size=1, max_size=3)),
    min_size=1,
    max_size=5,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layout=_FOLDERS, sources=st.lists(_FILES, min_size=5, max_size=5))
def test_reading_a_folder_twice_gives_equal_documents(layout, sources) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for (folder, stem), source in zip(layout, sources, strict=False):
            (root / folder).mkdir(parents=True, exist_ok=True)
            shutil.copy(DATA / source, root / folder / f"{stem}{Path(source).suffix}")
        first = list(iter_documents([root]))
        second = list(iter_documents([root]))
    assert first == second
    hashes = [item.content_hash for item in first if isinstance(item, Document)]
    assert hashes
    assert all(
        item.content_hash == text_hash(item.text) for item in first if isinstance(item, Document)
    )
