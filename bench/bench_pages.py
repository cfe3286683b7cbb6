"""Server-side time of each web page on the demo database.

Each page is requested in-process (ASGI, no network) after a warm-up; the
figure is the server's own ``Server-Timing: app;dur=…`` header (the whole
request: routing, queries, template). Beside it, the baseline: the JSON API
request that reads the same data, so the ratio is the cost of the page
rendering. Target: p95 <= 50 ms per page.

    .venv/bin/python bench/bench_pages.py [--repeat 30]
"""

from __future__ import annotations

import argparse
import platform
import re
import statistics
import tempfile
from pathlib import Path

from fastapi.testclient import TestClient

from cartotech.operations import build_demo
from cartotech.settings import get_settings
from cartotech.web import create_app

TARGET_MS = 50.0
TIMING = re.compile(r"app;dur=([\d.]+)")


def _pages(client: TestClient) -> list[tuple[str, str, str]]:
    """(name, page path, baseline API path) for every page kind."""
    euratech = client.get("/api/v1/actors", params={"q": "euratech"}).json()["items"][0]["id"]
    return [
        ("home", "/", "/api/v1/actors?per_page=1"),
        ("directory", "/actors", "/api/v1/actors"),
        ("directory ?q=lille", "/actors?q=lille", "/api/v1/actors?q=lille"),
        ("directory typo", "/actors?q=euratechnology", "/api/v1/actors?q=euratechnology"),
        ("directory facets", "/actors?type=incubator&region=93",
         "/api/v1/actors?type=incubator&region=93"),
        ("directory label", "/actors?label=capitale-french-tech",
         "/api/v1/actors?label=capitale-french-tech"),
        ("actor", f"/actors/{euratech}", f"/api/v1/actors/{euratech}"),
        ("territory région", "/territories/fr:region:93", "/api/v1/territories/fr:region:93"),
        ("territory EPCI", "/territories/fr:epci:200054807",
         "/api/v1/territories/fr:epci:200054807"),
        ("territory commune", "/territories/fr:commune:59350",
         "/api/v1/territories/fr:commune:59350"),
        ("map", "/map", "/api/v1/map/counts?level=departement"),
        ("open data", "/open-data", "/api/v1/health"),
    ]  # fmt: skip


def _server_ms(client: TestClient, path: str, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        response = client.get(path)
        response.raise_for_status()
        times.append(float(TIMING.search(response.headers["server-timing"]).group(1)))  # type: ignore[union-attr]
    return times


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30, help="requests per page")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "demo.db"
        build_demo(database)
        app = create_app(get_settings(database_url=f"sqlite:///{database}"))
        with TestClient(app) as client:
            pages = _pages(client)
            for _name, page, api in pages:  # warm-up: caches, outlines, templates
                client.get(page)
                client.get(api)
            print(f"Page times on the demo database — Python {platform.python_version()}, "
                  f"{args.repeat} requests each, server-side (Server-Timing)")  # fmt: skip
            header = f"{'page':<20} {'p50 ms':>8} {'p95 ms':>8} {'API p50':>8} {'ratio':>6}  target"
            print(header)
            print("-" * len(header))
            misses = 0
            for name, page, api in pages:
                page_ms = _server_ms(client, page, args.repeat)
                api_ms = _server_ms(client, api, args.repeat)
                p50, p95, base = (
                    statistics.median(page_ms),
                    _p95(page_ms),
                    statistics.median(api_ms),
                )
                verdict = "PASS" if p95 <= TARGET_MS else "MISS"
                misses += verdict == "MISS"
                print(f"{name:<20} {p50:>8.1f} {p95:>8.1f} {base:>8.1f} {p50 / base:>6.2f}  "
                      f"p95 <= {TARGET_MS:.0f} ms {verdict}")  # fmt: skip
            print(f"{len(pages) - misses}/{len(pages)} pages within target")
        app.state.engine.dispose()


if __name__ == "__main__":
    main()
