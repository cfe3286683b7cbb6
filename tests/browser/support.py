"""Helpers shared by the browser tests (the fixtures are in conftest.py)."""

from __future__ import annotations

import json
import subprocess
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page

# An actor whose name is markup: the map draws names in JavaScript (popups,
# marker titles), where the templates' escaping does not apply. Placed alone in
# Brest so that it is easy to reach on the map.
HOSTILE_ACTOR_NAME = (
    '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script> Hostile Brest'
)


@dataclass
class LiveServer:
    """A `cartotech serve` process on a loopback port."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@dataclass
class Visit:
    """A browser context for one test, and what its pages did."""

    context: BrowserContext
    page: Page
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def new_visit(browser: Browser, server: LiveServer, **context_options: object) -> Visit:
    """A fresh context (no cookies) whose browser asks for French, the default language.

    Chromium would otherwise send ``Accept-Language: en-US`` and get English pages.
    """
    options: dict[str, object] = {"locale": "fr-FR", **context_options}
    context = browser.new_context(base_url=server.url, **options)  # type: ignore[arg-type]
    context.set_default_timeout(10_000)
    page = context.new_page()
    visit = Visit(context=context, page=page)
    context.on("request", lambda request: visit.requests.append(request.url))
    page.on("pageerror", lambda error: visit.errors.append(f"uncaught: {error}"))
    page.on("console", lambda message: _record_console_error(visit, message))
    return visit


def _record_console_error(visit: Visit, message: ConsoleMessage) -> None:
    # Chromium asks for /favicon.ico on its own, whatever the page says; the
    # app has none yet, and that 404 says nothing about the page.
    if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
        visit.errors.append(f"console: {message.text} ({message.location['url']})")


def wait_for_maps(page: Page) -> None:
    """Wait until every map on the page has drawn, and fail if one could not."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-map]')]"
        ".every(m => m.dataset.mapState === 'ready' || m.dataset.mapState === 'error')"
    )
    failed = page.locator("[data-map][data-map-state=error]")
    assert failed.count() == 0, f"a map could not load on {page.url}"


def actor_path(server: LiveServer, name: str) -> str:
    """The page of the actor called ``name``, found the way a script would: through the API."""
    query = urllib.parse.urlencode({"q": name})
    with urllib.request.urlopen(f"{server.url}/api/v1/actors?{query}") as response:
        items = json.load(response)["items"]
    (actor,) = [item for item in items if item["name"] == name]
    return f"/actors/{actor['id']}"


def euratechnologies_path(server: LiveServer) -> str:
    """The page of Euratechnologies."""
    return actor_path(server, "Euratechnologies")
