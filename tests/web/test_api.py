from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient


def test_search_euratech(client: TestClient) -> None:
    body = client.get("/api/v1/actors", params={"q": "euratech"}).json()
    first = body["items"][0]
    assert first["name"] == "Euratechnologies"
    assert first["territory_id"] == "fr:commune:59350"
    assert body["total"] >= 1
    assert {"type", "sector", "region", "departement", "epci"} <= set(body["facets"])


def test_facets_carry_labels(client: TestClient) -> None:
    body = client.get("/api/v1/actors", params={"q": "lille"}).json()
    regions = {f["value"]: f["label"] for f in body["facets"]["region"]}
    assert regions["32"] == "Hauts-de-France"
    types = {f["value"]: f["label"] for f in body["facets"]["type"]}
    assert types["incubator"] == "Incubateur"


def test_actor_detail_has_facts_with_sources(client: TestClient) -> None:
    actor_id = client.get("/api/v1/actors", params={"q": "euratech"}).json()["items"][0]["id"]
    actor = client.get(f"/api/v1/actors/{actor_id}").json()
    assert actor["name"] == "Euratechnologies"
    assert actor["facts"]
    for fact in actor["facts"]:
        assert fact["source"]["key"]
        assert fact["source"]["title"]


def test_pagination_parameters(client: TestClient) -> None:
    page1 = client.get("/api/v1/actors", params={"per_page": 5, "page": 1}).json()
    page2 = client.get("/api/v1/actors", params={"per_page": 5, "page": 2}).json()
    assert page1["per_page"] == 5
    assert len(page1["items"]) == 5
    assert {i["id"] for i in page1["items"]}.isdisjoint(i["id"] for i in page2["items"])


def test_territory_with_chain_and_counts(client: TestClient) -> None:
    body = client.get("/api/v1/territories/fr:commune:59350").json()
    assert body["name"] == "Lille"
    assert [t["level"] for t in body["chain"]][-2:] == ["departement", "region"]
    assert body["actor_counts"]["incubator"] >= 1


def test_region_lists_its_actors(client: TestClient) -> None:
    body = client.get("/api/v1/territories/fr:region:93/actors", params={"per_page": 200}).json()
    assert body["total"] >= 5
    assert all(item["region_code"] == "93" for item in body["items"])


def test_territory_find(client: TestClient) -> None:
    body = client.get("/api/v1/territories", params={"q": "st etienne"}).json()
    assert body["items"][0]["id"] == "fr:commune:42218"


def test_exports_apply_the_filters(client: TestClient) -> None:
    params = {"type": "incubator"}
    listed = client.get("/api/v1/actors", params={**params, "per_page": 200}).json()
    names = sorted(i["name"] for i in listed["items"])
    csv_response = client.get("/api/v1/export/actors.csv", params=params)
    assert csv_response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(csv_response.text)))
    assert sorted(r["name"] for r in rows) == names
    as_json = client.get("/api/v1/export/actors.json", params=params).json()
    assert sorted(r["name"] for r in as_json) == names
    geojson = client.get("/api/v1/export/actors.geojson", params=params).json()
    assert geojson["type"] == "FeatureCollection"
    located = [r["name"] for r in as_json if r["lat"] is not None]
    assert sorted(f["properties"]["name"] for f in geojson["features"]) == sorted(located)
    lon, lat = geojson["features"][0]["geometry"]["coordinates"]
    assert -62 < lon < 56
    assert -22 < lat < 52


def test_csv_export_keeps_hostile_text_as_data(client: TestClient) -> None:
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/api/v1/export/actors.csv", params={"q": "drop table"}).text)
        )
    )
    # Stored and exported as given: CSV is data, not HTML.
    assert rows[0]["name"] == "<script>alert('x')</script> Robert'); DROP TABLE actors;--"


def test_openapi_is_served(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/actors" in spec["paths"]
    assert "/api/v1/territories/{territory_id}" in spec["paths"]


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/v1/actors/999999", 404, "not_found"),
        ("/api/v1/actors/abc", 422, "invalid_input"),
        ("/api/v1/actors?page=0", 422, "invalid_input"),
        ("/api/v1/actors?sort=random", 422, "invalid_input"),
        ("/api/v1/actors?territory=fr:commune:00000", 404, "not_found"),
        ("/api/v1/actors?territory=nowhere", 422, "invalid_territory_id"),
        ("/api/v1/territories/fr:planet:3", 422, "invalid_territory_id"),
        ("/api/v1/territories/fr:commune:00000", 404, "not_found"),
        ("/api/v1/export/actors.xlsx", 422, "invalid_input"),
        ("/api/v1/no-such-route", 404, "not_found"),
    ],
)
def test_one_error_shape(client: TestClient, path: str, status: int, code: str) -> None:
    response = client.get(path)
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "field"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
