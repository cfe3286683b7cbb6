"""Press review in the API and on the actor and territory pages, on SQLite and
PostgreSQL: order, pages, sentences with their mention, the story's other
versions, and hostile article text shown as text.

The articles are those of ``tests/web/conftest.py`` (``press_app``).
"""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape

from cartotech.web.pages.press import highlight_parts
from cartotech.web.pages.rendering import http_url, templates
from tests.web.conftest import (
    HOSTILE_IMG,
    HOSTILE_SCRIPT,
    HOSTILE_TITLE,
    HOSTILE_URL,
    OLDER_ARTICLE,
)

NAUTILOOP_EN_TITLE = "Marseille start-up Nautiloop raises €1.2 million to track port containers"
NAUTILOOP_EN_URL = "https://press.example/en/2025/03/19/nautiloop-raises-1-2-million"


def actor_id(client: TestClient, name: str) -> int:
    items = client.get("/api/v1/actors", params={"q": name}).json()["items"]
    (found,) = [item["id"] for item in items if item["name"] == name]
    return int(found)


def escaped(text: str) -> str:
    """``text`` as the templates write it."""
    return str(escape(text))


def highlighted(sentence: dict[str, object]) -> list[str]:
    text = str(sentence["text"])
    spans = sentence["highlights"]
    assert isinstance(spans, list)
    return [text[span["start"] : span["end"]] for span in spans]


def press_section(page: str) -> str:
    match = re.search(r'<section id="press".*?</section>', page, re.DOTALL)
    assert match, "no press review section on the page"
    return match.group()


# --- API ----------------------------------------------------------------------


def test_actor_press_lists_the_articles_latest_first(press_client: TestClient) -> None:
    euratech = actor_id(press_client, "Euratechnologies")
    body = press_client.get(f"/api/v1/actors/{euratech}/press").json()
    assert body["total"] == 2
    assert (body["page"], body["per_page"]) == (1, 20)
    latest, older = body["items"]
    assert (latest["title"], older["title"]) == (HOSTILE_TITLE, OLDER_ARTICLE["title"])
    assert latest["published_on"] > older["published_on"]
    assert latest["lang"] == "fr"
    assert latest["story_kind"] == "new"
    assert latest["other_versions"] == []
    # The title, read as the article's first line, names it too.
    title, sentence = latest["sentences"]
    assert title["text"] == HOSTILE_TITLE
    assert (highlighted(title), highlighted(sentence)) == (["Euratechnologies"],) * 2
    # The API gives the text as it is: data, for the client to escape.
    assert HOSTILE_SCRIPT in sentence["text"]
    assert HOSTILE_IMG in sentence["text"]
    assert latest["url"] == HOSTILE_URL


def test_a_sentence_naming_the_actor_twice_has_two_highlights(
    press_client: TestClient,
) -> None:
    euratech = actor_id(press_client, "Euratechnologies")
    body = press_client.get(f"/api/v1/actors/{euratech}/press").json()
    (sentence,) = body["items"][1]["sentences"]
    assert highlighted(sentence) == ["Euratechnologies", "Euratechnologies"]
    assert sentence["text"] in OLDER_ARTICLE["text"]
    assert sentence["end"] - sentence["start"] == len(sentence["text"])


def test_actor_press_pages(press_client: TestClient) -> None:
    euratech = actor_id(press_client, "Euratechnologies")
    body = press_client.get(
        f"/api/v1/actors/{euratech}/press", params={"page": 2, "per_page": 1}
    ).json()
    assert (body["total"], body["page"], body["per_page"]) == (2, 2, 1)
    assert [item["title"] for item in body["items"]] == [OLDER_ARTICLE["title"]]
    past_the_end = press_client.get(
        f"/api/v1/actors/{euratech}/press", params={"page": 3, "per_page": 1}
    ).json()
    assert (past_the_end["total"], past_the_end["items"]) == (2, [])


def test_an_article_lists_its_story_in_the_other_language(press_client: TestClient) -> None:
    zebox = actor_id(press_client, "ZeBox")
    body = press_client.get(f"/api/v1/actors/{zebox}/press").json()
    assert body["total"] == 1
    (article,) = body["items"]
    assert article["lang"] == "fr"
    assert article["story_documents"] == 2
    (version,) = article["other_versions"]
    assert version["lang"] == "en"
    assert version["title"] == NAUTILOOP_EN_TITLE
    assert version["url"] == NAUTILOOP_EN_URL
    assert version["story_kind"] == "cross_language"
    assert version["document_id"] != article["document_id"]
    assert [highlighted(s) for s in article["sentences"]] == [["ZeBox"]]


@pytest.mark.parametrize(
    ("territory", "titles"),
    [
        ("fr:commune:59350", [HOSTILE_TITLE, OLDER_ARTICLE["title"]]),
        ("fr:region:32", [HOSTILE_TITLE, OLDER_ARTICLE["title"]]),
        ("fr:region:93", ["Marseille : Nautiloop lève 1,2 M€ pour suivre les conteneurs du port"]),
        ("fr:region:53", []),
    ],
)
def test_territory_press_has_the_articles_of_its_places_and_actors(
    press_client: TestClient, territory: str, titles: list[str]
) -> None:
    body = press_client.get(f"/api/v1/territories/{territory}/press").json()
    assert body["total"] == len(titles)
    assert [item["title"] for item in body["items"]] == titles


def test_territory_press_highlights_the_place_and_the_actor(press_client: TestClient) -> None:
    body = press_client.get("/api/v1/territories/fr:commune:59350/press").json()
    latest = body["items"][0]
    marked = {text for s in latest["sentences"] for text in highlighted(s)}
    assert marked == {"Euratechnologies", "Lille"}


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/v1/actors/999999/press", 404, "not_found"),
        ("/api/v1/actors/abc/press", 422, "invalid_input"),
        ("/api/v1/actors/1/press?page=0", 422, "invalid_input"),
        ("/api/v1/actors/1/press?per_page=0", 422, "invalid_input"),
        ("/api/v1/territories/fr:commune:00000/press", 404, "not_found"),
        ("/api/v1/territories/fr:planet:3/press", 422, "invalid_territory_id"),
    ],
)
def test_press_errors_have_the_one_error_shape(
    press_client: TestClient, path: str, status: int, code: str
) -> None:
    response = press_client.get(path)
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "field"}
    assert body["error"]["code"] == code


def test_openapi_documents_the_press_routes(press_client: TestClient) -> None:
    spec = press_client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/actors/{actor_id}/press", "/api/v1/territories/{territory_id}/press"):
        schema = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        assert schema["schema"]["$ref"].endswith("/PressPage")
    article = spec["components"]["schemas"]["PressArticle"]["properties"]
    assert {"sentences", "other_versions", "title", "url", "lang"} <= set(article)


# --- Pages --------------------------------------------------------------------


def test_actor_page_shows_the_press_review_with_the_mention_marked(
    press_client: TestClient,
) -> None:
    euratech = actor_id(press_client, "Euratechnologies")
    section = press_section(press_client.get(f"/actors/{euratech}").text)
    assert '<h2 id="press-title">Revue de presse <span class="count">(2)</span></h2>' in section
    assert "<mark>Euratechnologies</mark>" in section
    assert '<time datetime="2025-02-03">2025-02-03</time>' in section
    assert "Langue : français" in section
    assert f'href="{OLDER_ARTICLE["url"]}"' in section
    assert section.index("2025-02-03") < section.index("2025-01-10")


def test_hostile_article_text_is_shown_escaped(press_client: TestClient) -> None:
    euratech = actor_id(press_client, "Euratechnologies")
    page = press_client.get(f"/actors/{euratech}").text
    for raw in (HOSTILE_SCRIPT, HOSTILE_IMG, HOSTILE_TITLE, "<b>Euratechnologies</b>"):
        assert raw not in page
    section = press_section(page)
    assert escaped(HOSTILE_SCRIPT) in section
    assert escaped(HOSTILE_IMG) in section
    assert escaped(HOSTILE_TITLE) in section
    # The escaped markup sits in the quote, around the marked mention.
    assert f"<mark>Euratechnologies</mark> accueille ce lundi {escaped(HOSTILE_SCRIPT)}" in section
    # Markup around the mention stays text; only the highlight is ours.
    assert "&lt;b&gt;<mark>Euratechnologies</mark>&lt;/b&gt;" in section
    # Neither the article's title nor the facts citing it link to javascript:.
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert hrefs
    assert [href for href in hrefs if "javascript" in href.lower()] == []
    assert HOSTILE_URL not in page


def test_actor_page_in_english(press_client: TestClient) -> None:
    zebox = actor_id(press_client, "ZeBox")
    section = press_section(press_client.get(f"/actors/{zebox}", params={"lang": "en"}).text)
    assert "Press review" in section
    assert "Language: French" in section
    assert "The same article in other versions:" in section
    assert "(English, 2025-03-19)" in section


def test_actor_page_links_the_story_in_the_other_language(press_client: TestClient) -> None:
    zebox = actor_id(press_client, "ZeBox")
    section = press_section(press_client.get(f"/actors/{zebox}").text)
    assert "<mark>ZeBox</mark>" in section
    link = f'<a href="{NAUTILOOP_EN_URL}" rel="noopener nofollow" hreflang="en" lang="en">'
    assert link in section
    assert "(anglais, 2025-03-19)" in section


def test_territory_page_shows_its_press_review(press_client: TestClient) -> None:
    section = press_section(press_client.get("/territories/fr:commune:59350").text)
    assert '<span class="count">(2)</span>' in section
    assert "<mark>Lille</mark>" in section
    assert "<mark>Euratechnologies</mark>" in section
    assert escaped(HOSTILE_SCRIPT) in section


def test_a_page_without_articles_says_so(press_client: TestClient) -> None:
    section = press_section(press_client.get("/territories/fr:region:53").text)
    assert '<span class="count">(0)</span>' in section
    assert "Aucun article ne le mentionne pour l&#39;instant." in section


def test_the_press_review_pages(press_client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cartotech.web.pages.press.PRESS_PAGE_SIZE", 1)
    euratech = actor_id(press_client, "Euratechnologies")
    first = press_section(press_client.get(f"/actors/{euratech}").text)
    assert "2025-02-03" in first
    assert "2025-01-10" not in first
    assert "Page 1 sur 2" in first
    assert f'href="/actors/{euratech}?press_page=2#press" rel="next"' in first
    second = press_section(press_client.get(f"/actors/{euratech}", params={"press_page": 2}).text)
    assert "2025-01-10" in second
    assert "2025-02-03" not in second
    assert f'href="/actors/{euratech}#press" rel="prev"' in second
    assert 'rel="next"' not in second


def test_a_bad_press_page_is_a_clear_error(press_client: TestClient) -> None:
    response = press_client.get("/territories/fr:region:32", params={"press_page": 0})
    assert response.status_code == 422
    assert "press_page" in response.text


# --- Highlighting and links, without a server -----------------------------------


@pytest.mark.parametrize(
    ("text", "spans", "parts"),
    [
        ("abcdef", [], [("abcdef", False)]),
        ("abcdef", [(0, 2)], [("ab", True), ("cdef", False)]),
        ("abcdef", [(2, 4), (3, 6)], [("ab", False), ("cdef", True)]),
        ("abcdef", [(1, 2), (2, 3)], [("a", False), ("bc", True), ("def", False)]),
        ("abcdef", [(4, 99), (-3, 1)], [("a", True), ("bcd", False), ("ef", True)]),
        ("abcdef", [(3, 3), (5, 2)], [("abcdef", False)]),
    ],
)
def test_highlight_parts(text: str, spans: list[tuple[int, int]], parts: object) -> None:
    assert highlight_parts(text, spans) == parts


_MARKUPISH = st.text(alphabet=st.sampled_from(list("ab <>&\"'/=x")) | st.characters(), max_size=60)


@given(
    text=_MARKUPISH,
    spans=st.lists(st.tuples(st.integers(-5, 70), st.integers(-5, 70)), max_size=6),
)
def test_highlighted_text_never_renders_as_markup(text: str, spans: list[tuple[int, int]]) -> None:
    macros = templates.env.get_template("macros.html").module
    rendered = str(macros.highlighted(highlight_parts(text, spans)))  # type: ignore[attr-defined]
    # The only tags are ours; without them, unescaping gives the text back.
    bare = rendered.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in bare
    assert ">" not in bare
    assert html.unescape(bare) == text


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://press.test/a", "https://press.test/a"),
        ("http://press.test/a?b=1", "http://press.test/a?b=1"),
        (" HTTPS://press.test/a ", "HTTPS://press.test/a"),
        (HOSTILE_URL, None),
        ("  javascript:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("//press.test/a", None),
        ("/relative", None),
        ("https://", None),
        ("", None),
        (None, None),
    ],
)
def test_only_http_addresses_become_links(url: str | None, expected: str | None) -> None:
    assert http_url(url) == expected
