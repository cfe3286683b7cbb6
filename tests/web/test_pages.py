"""Server-rendered pages on SQLite and PostgreSQL: status, content, escaping, language."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

HOSTILE = "<script>alert('x')</script>"


def _actor_id(client: TestClient, q: str) -> int:
    return int(client.get("/api/v1/actors", params={"q": q}).json()["items"][0]["id"])


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", "Acteurs par type"),
        ("/actors", "Annuaire des acteurs"),
        ("/actors?q=lille", "Euratechnologies"),
        ("/actors?q=euratechnology", "orthographe corrigée"),
        ("/actors?type=incubator&region=93", "Marseille Innovation"),
        ("/actors?label=capitale-french-tech", "Capitale French Tech"),
        ("/territories/fr:region:93", "Provence-Alpes-Côte d&#39;Azur"),
        ("/territories/fr:commune:59350", "Euratechnologies"),
        ("/territories/fr:epci:200054807", "Capitale French Tech"),
        ("/territories/group:sophia-antipolis", "Telecom Valley"),
        ("/map", 'data-level="departement"'),
        ("/open-data", "actors.geojson"),
    ],
)
def test_pages_render(client: TestClient, path: str, expected: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert expected in response.text


def test_actor_page_shows_facts_with_their_source(client: TestClient) -> None:
    page = client.get(f"/actors/{_actor_id(client, 'euratech')}").text
    assert "Surface" in page
    assert "80\u202f000" in page
    assert "000_00c6a735f3321b59.txt" in page
    assert 'href="/territories/fr:commune:59350"' in page


def test_relations_show_both_ways(client: TestClient) -> None:
    banquiz = client.get(f"/actors/{_actor_id(client, 'banquiz')}").text
    assert "Aquinetic" in banquiz
    aquinetic = client.get(f"/actors/{_actor_id(client, 'aquinetic')}").text
    assert "Banquiz" in aquinetic


def test_facet_links_toggle_filters(client: TestClient) -> None:
    page = client.get("/actors", params={"q": "marseille"}).text
    link = re.search(r'<a href="(/actors\?q=marseille&amp;type=incubator)"', page)
    assert link, "no facet link for type=incubator"
    filtered = client.get(link.group(1).replace("&amp;", "&")).text
    assert 'aria-current="true" class="active">Incubateur' in filtered
    assert "Retirer le filtre Incubateur" in filtered


def test_export_links_carry_the_filters(client: TestClient) -> None:
    page = client.get("/actors", params={"q": "lille", "type": "incubator"}).text
    assert "/api/v1/export/actors.csv?q=lille&amp;type=incubator" in page


@pytest.mark.parametrize(
    "path",
    ["/actors?q=drop+table", "/territories/fr:commune:75056", "/", "/actors?sort=updated"],
)
def test_hostile_names_are_escaped(client: TestClient, path: str) -> None:
    page = client.get(path).text
    assert HOSTILE not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page


def test_hostile_actor_page_is_escaped(client: TestClient) -> None:
    page = client.get(f"/actors/{_actor_id(client, 'drop table')}").text
    assert HOSTILE not in page
    assert "<title>&lt;script&gt;" in page


def test_hostile_query_is_escaped(client: TestClient) -> None:
    page = client.get("/actors", params={"q": '"><img src=x onerror=alert(1)>'}).text
    assert "<img src=x" not in page


def test_english_interface_and_cookie(client: TestClient) -> None:
    english = client.get("/actors", params={"lang": "en"})
    assert '<html lang="en">' in english.text
    assert "Directory of actors" in english.text
    assert english.cookies.get("lang") == "en"
    again = client.get("/actors")  # the test client keeps the cookie
    assert '<html lang="en">' in again.text
    french = client.get("/actors", params={"lang": "fr"})
    assert '<html lang="fr">' in french.text


def test_browser_language_is_the_default(client: TestClient) -> None:
    client.cookies.clear()
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.8"}).text
    assert '<html lang="en">' in page


def test_language_switch_keeps_the_query(client: TestClient) -> None:
    page = client.get("/actors", params={"q": "lille", "type": "incubator"}).text
    assert 'href="/actors?q=lille&amp;type=incubator&amp;lang=en"' in page


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/actors/999999", 404),
        ("/territories/fr:commune:00000", 404),
        ("/territories/nowhere", 422),
        ("/actors?page=0", 422),
        ("/nothing-here", 404),
    ],
)
def test_page_errors_are_html(client: TestClient, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>" in response.text


def test_pages_load_nothing_from_other_hosts(client: TestClient) -> None:
    for path in ["/", "/actors?q=lille", "/map", "/territories/fr:region:93", "/open-data"]:
        page = client.get(path).text
        loaded = re.findall(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="([^"]+)"', page)
        assert loaded, path
        assert all(url.startswith("/") for url in loaded), (path, loaded)


def test_pagination_links(client: TestClient) -> None:
    page = client.get("/actors", params={"per_page": 5}).text
    assert 'rel="next"' in page
    second = client.get("/actors", params={"per_page": 5, "page": 2}).text
    assert 'rel="prev"' in second


def test_static_assets_are_served(client: TestClient) -> None:
    assert client.get("/static/css/cartotech.css").status_code == 200


def test_server_timing_header(client: TestClient) -> None:
    timing = client.get("/").headers["server-timing"]
    assert re.fullmatch(r"app;dur=\d+\.\d", timing)


def test_actor_page_has_json_ld(client: TestClient) -> None:
    import json

    page = client.get(f"/actors/{_actor_id(client, 'euratech')}").text
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert block
    data = json.loads(block.group(1))
    assert data["@type"] == "Organization"
    assert data["name"] == "Euratechnologies"
    assert data["address"]["addressLocality"] == "Lille"


def test_json_ld_cannot_break_out_of_its_script(client: TestClient) -> None:
    page = client.get(f"/actors/{_actor_id(client, 'drop table')}").text
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert block
    assert "<" not in block.group(1)


def test_empty_filter_values_filter_nothing(client: TestClient) -> None:
    everything = client.get("/api/v1/actors").json()["total"]
    assert (
        client.get("/api/v1/actors", params={"type": "", "label": ""}).json()["total"] == everything
    )
