"""axe-core (vendored from npm) run in Chromium on the main pages: no serious violations.

The actor pages of Euratechnologies and ZeBox and the région page carry a press
review (quotes in another language than the page's, marked mentions, the
story's other versions)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.support import LiveServer, actor_path, wait_for_maps

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING = {"serious", "critical"}
PAGES = [
    "/",
    "/actors?q=lille",
    "actor:Euratechnologies",
    "actor:ZeBox",
    "/territories/fr:region:93",
    "/territories/fr:region:93?lang=en",
    "/map",
    "/open-data",
    # participation (#5): the demo's candidacy, petition, events and funding calls
    "/participate",
    "/present",
    "/events",
    "/petitions/french-tech-lille-capitale",
    "/candidacies/1",
    "/funding",
]


def describe(violations: list[dict[str, Any]]) -> str:
    """One paragraph per rule: impact, rule, what is wrong, and every offending element."""
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(node['target'])}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n       ")
            lines.append(f"       {summary}")
    return "\n".join(lines)


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violations(
    page: Page, live_server: LiveServer, path: str
) -> None:
    if path.startswith("actor:"):
        path = actor_path(live_server, path.removeprefix("actor:"))
    page.goto(path)
    wait_for_maps(page)
    # Through DevTools: the pages forbid inline scripts, and add_script_tag would add one.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    violations = page.evaluate("async () => (await axe.run(document)).violations")
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert blocking == [], f"axe on {path}:\n{describe(blocking)}"
