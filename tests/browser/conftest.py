"""Browser tests: the real server process, driven by Debian's Chromium.

One server (on the demo database, built by the package's own builder) and one
browser per session; each test gets a fresh browser context (its own cookies)
whose requests are recorded, so any test can check where the page went.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from cartotech.operations import build_demo, import_file
from cartotech.store import create_store_engine
from tests.browser.support import HOSTILE_ACTOR_NAME, LiveServer, Visit, new_visit
from tests.pgcluster import free_port

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
# Headless and quiet: the machine may have no network, and Chromium's own
# background requests (updates, sync) would only add noise to the logs.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_TIMEOUT_S = 30

# A directory file adding one actor named HOSTILE_ACTOR_NAME, alone in Brest.
HOSTILE_DIRECTORY = f"""\
version: 1
sources:
  - key: browser-tests
    kind: curated
    title: "Browser test fixtures"
actors:
  - key: hostile-brest
    name: '{HOSTILE_ACTOR_NAME}'
    type: company
    territory: fr:commune:29019
    source: browser-tests
"""


def _wait_until_healthy(server: LiveServer) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{server.url}/api/v1/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    server.process.kill()
    server.process.wait()
    pytest.fail(
        f"cartotech serve did not become healthy at {server.url} within {STARTUP_TIMEOUT_S} s "
        f"(exit code {server.process.returncode}). Its output:\n{server.output()}",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory, extractor: Any) -> Path:
    """The demo database (its press articles read by the session's extractor,
    already loaded for the other tests), plus one hostile actor for the map's
    escaping test."""
    folder = tmp_path_factory.mktemp("browser")
    database = folder / "demo.db"
    build_demo(database, extractor=extractor)
    extra = folder / "hostile.yaml"
    extra.write_text(HOSTILE_DIRECTORY, encoding="utf-8")
    engine = create_store_engine(f"sqlite:///{database}")
    try:
        import_file(engine, extra)
    finally:
        engine.dispose()
    return database


@pytest.fixture(scope="session")
def live_server(demo_database: Path) -> Iterator[LiveServer]:
    port = free_port()
    log = demo_database.with_name("server.log")
    # The developer's CARTOTECH_* settings (a tile server, another database)
    # must not leak into a server whose pages are checked for outside requests.
    env = {key: value for key, value in os.environ.items() if not key.startswith("CARTOTECH_")}
    command = [sys.executable, "-m", "cartotech.cli", "serve", "--db", str(demo_database)]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    server = LiveServer(url=f"http://127.0.0.1:{port}", process=process, log=log)
    _wait_until_healthy(server)
    yield server
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install it with `bash scripts/install-test-deps.sh`"
            " (the browser tests are part of `make test`)",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def visit(browser: Browser, live_server: LiveServer) -> Iterator[Visit]:
    """A fresh context (no cookies) on a desktop-sized window."""
    current = new_visit(browser, live_server, viewport={"width": 1280, "height": 900})
    yield current
    current.context.close()


@pytest.fixture
def page(visit: Visit) -> Page:
    return visit.page


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
