"""The map: outlines shaded by counts, clustered actors, popups, without any tile server."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.support import HOSTILE_ACTOR_NAME, Visit, wait_for_maps

pytestmark = pytest.mark.browser


def open_a_popup(page: Page, map_selector: str) -> Locator:
    """Activate markers and clusters with the keyboard until an actor's popup opens.

    A cluster zooms in (or fans out when its actors share one place); a marker
    opens its popup. Enter on a focused marker is what a keyboard user does,
    and it is immune to controls overlapping the marker.
    """
    popup_link = page.locator(f"{map_selector} .leaflet-popup-content a")
    markers = page.locator(f"{map_selector} .leaflet-marker-icon:not(.marker-cluster)")
    clusters = page.locator(f"{map_selector} .marker-cluster")
    for _ in range(20):
        target = markers.first if markers.count() else clusters.first
        target.focus()
        page.keyboard.press("Enter")
        try:
            popup_link.wait_for(timeout=600)
            return popup_link
        except PlaywrightTimeout:
            continue
    raise AssertionError("no popup opened after activating markers and clusters 20 times")


def test_map_shades_departements_and_draws_actor_points(visit: Visit, artifacts: Path) -> None:
    page = visit.page
    page.goto("/map")
    wait_for_maps(page)
    page.locator("#main-map").screenshot(path=artifacts / "map-departements.png")
    areas = page.locator("#main-map svg path.choropleth-area")
    assert areas.count() > 90, "the départements are not drawn"
    fills = set(areas.evaluate_all("paths => paths.map(p => p.getAttribute('fill'))"))
    assert len(fills) >= 3, f"the départements are not shaded by count: fills {fills}"
    legend = page.locator("#main-map .map-legend")
    expect(legend).to_contain_text("Nombre d'acteurs")
    expect(legend).to_have_attribute("open", "")  # a wide map shows its legend unfolded
    expect(page.locator("#main-map .leaflet-marker-icon").first).to_be_visible()
    expect(page.locator("#main-map .leaflet-control-attribution")).to_contain_text("INSEE, IGN")

    link = open_a_popup(page, "#main-map")
    href = link.get_attribute("href") or ""
    assert href.startswith("/actors/"), href
    name = link.inner_text()
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    assert visit.errors == [], "JavaScript errors:\n" + "\n".join(visit.errors)


def test_map_uses_the_directory_filters(page: Page) -> None:
    page.goto("/map?type=incubator&level=region")
    wait_for_maps(page)
    areas = page.locator("#main-map path.choropleth-area")
    assert 10 < areas.count() < 30, "the régions are not drawn"
    # Every incubator of the demo is in a région with at least one: the legend
    # starts at one actor, and a popup reached from the points is an incubator.
    href = open_a_popup(page, "#main-map").get_attribute("href") or ""
    assert href.startswith("/actors/"), href
    # Followed by address, not clicked: under load the map may still be panning
    # to the popup, and the click is test_map_shades_departements_and_draws_actor_points's job.
    page.goto(href)
    expect(page.locator(".badge").first).to_have_text("Incubateur")


def test_map_popups_show_hostile_names_as_text(visit: Visit) -> None:
    page = visit.page
    page.goto("/map?q=hostile+brest")
    wait_for_maps(page)
    link = open_a_popup(page, "#main-map")
    expect(link).to_have_text(HOSTILE_ACTOR_NAME)
    assert page.evaluate("window.__pwned") is None, "a name was run as HTML"
    assert page.locator("#main-map .leaflet-popup-content img, #main-map script").count() == 0


def test_territory_map_is_fitted_to_its_outline(page: Page) -> None:
    page.goto("/territories/fr:region:93")
    wait_for_maps(page)
    outline = page.locator("#territory-map path.territory-outline")
    expect(outline).to_have_count(1)
    box, frame = outline.bounding_box(), page.locator("#territory-map").bounding_box()
    assert box is not None
    assert frame is not None
    # Fitted: the région spans most of the map's width or height.
    assert max(box["width"] / frame["width"], box["height"] / frame["height"]) > 0.6
    expect(page.locator("#territory-map .leaflet-marker-icon").first).to_be_visible()
