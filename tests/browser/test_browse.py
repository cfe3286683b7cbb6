"""Browsing the observatory as a visitor would: search, facets, pages, language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.support import (
    LiveServer,
    Visit,
    euratechnologies_path,
    new_visit,
    wait_for_maps,
)

pytestmark = pytest.mark.browser


def results_count(page: Page) -> int:
    """The number in the directory's result heading ("9 résultats", "2 results for …")."""
    heading = page.locator("h2.results-count").inner_text()
    match = re.search(r"\d[\d\s\u202f]*", heading)
    assert match, f"no count in the results heading {heading!r}"
    return int(re.sub(r"\D", "", match.group()))


def test_search_from_the_home_page_finds_euratechnologies(page: Page) -> None:
    page.goto("/")
    page.get_by_role("searchbox", name="Rechercher").fill("lille")
    page.get_by_role("searchbox", name="Rechercher").press("Enter")
    page.wait_for_url(re.compile(r"/actors\?q=lille"))
    results = page.locator("ul.actor-list a.actor-name")
    expect(results.filter(has_text="Euratechnologies")).to_have_count(1)
    expect(page.locator("h2.results-count")).to_contain_text("lille")


def test_following_a_facet_narrows_the_results_and_marks_the_facet(page: Page) -> None:
    page.goto("/actors")
    everything = results_count(page)
    facet = page.locator("nav.facet a", has_text=re.compile(r"^Incubateur$"))
    facet.click()
    page.wait_for_url(re.compile(r"type=incubator"))
    incubators = results_count(page)
    assert 0 < incubators < everything
    active = page.locator("nav.facet a[aria-current=true]")
    expect(active).to_have_count(1)
    expect(active).to_have_text("Incubateur")
    badges = page.locator("ul.actor-list .badge")
    expect(badges.first).to_be_visible()
    assert set(badges.all_inner_texts()) == {"Incubateur"}


def test_actor_page_cites_the_source_of_its_facts(page: Page, live_server: LiveServer) -> None:
    page.goto(euratechnologies_path(live_server))
    expect(page.get_by_role("heading", level=1)).to_have_text("Euratechnologies")
    citation = page.locator("table.facts cite.source", has_text="Our regions are talented").first
    expect(citation.locator(".source-file")).to_have_text("(000_00c6a735f3321b59.txt)")
    expect(page.locator("table.facts")).to_contain_text("80")
    # Facts read from the demo's press articles cite the article, linked.
    from_press = page.locator("table.facts cite.source", has_text="Lille's Tech Days").first
    expect(from_press.get_by_role("link")).to_have_attribute(
        "href", re.compile(r"^https://press\.example/")
    )


def test_language_switch_gives_english_and_persists(page: Page) -> None:
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.locator("a.lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Tech actors, territory by territory, with their sources"
    )
    # The next page, reached by a plain link (no ?lang=), stays in English.
    page.get_by_role("link", name="Directory", exact=True).click()
    page.wait_for_url(re.compile(r"/actors$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Directory of actors")
    cookies = {cookie["name"]: cookie["value"] for cookie in page.context.cookies()}
    assert cookies.get("lang") == "en", f"no language cookie among {cookies}"


@pytest.mark.parametrize(("name", "path"), [("home", "/"), ("directory", "/actors?q=lille")])
def test_pages_fit_a_375px_wide_phone(
    browser: Browser, live_server: LiveServer, artifacts: Path, name: str, path: str
) -> None:
    phone = new_visit(browser, live_server, viewport={"width": 375, "height": 812}, is_mobile=True)
    try:
        phone.page.goto(path)
        wait_for_maps(phone.page)
        screenshot = artifacts / f"{name}-375px.png"
        phone.page.screenshot(path=screenshot, full_page=True)
        assert screenshot.stat().st_size > 0
        width = phone.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} is {width}px wide at 375px: it scrolls sideways"
    finally:
        phone.context.close()


MAIN_PAGES = ["/", "/actors?q=lille", "/territories/fr:region:93", "/map", "/open-data"]


def test_pages_load_nothing_from_another_host(visit: Visit, live_server: LiveServer) -> None:
    for path in [*MAIN_PAGES, euratechnologies_path(live_server)]:
        visit.page.goto(path)
        wait_for_maps(visit.page)
        visit.page.wait_for_load_state("networkidle")
    outside = [url for url in visit.requests if not url.startswith(f"{live_server.url}/")]
    assert outside == [], "requests to another host:\n" + "\n".join(outside)
    assert len(visit.requests) > len(MAIN_PAGES)  # the pages did load their assets
    assert visit.errors == [], "JavaScript errors:\n" + "\n".join(visit.errors)
