"""The press review of the demo, as a visitor sees it in Chromium: the articles
that name an actor, the quoted sentence with the name marked, the same story
in the other language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.support import LiveServer, Visit, actor_path, new_visit, wait_for_maps

pytestmark = pytest.mark.browser

LILLE_TECH_DAYS = "Lille's Tech Days bring 120 startups to Euratechnologies"
NAUTILOOP_EN = "Marseille start-up Nautiloop raises €1.2 million to track port containers"


def test_actor_page_of_the_demo_shows_its_press_review(page: Page, live_server: LiveServer) -> None:
    page.goto(actor_path(live_server, "Euratechnologies"))
    press = page.locator("section#press")
    expect(press.get_by_role("heading", level=2)).to_contain_text("Revue de presse")
    article = press.locator("li.press-article", has_text=LILLE_TECH_DAYS)
    expect(article).to_have_count(1)
    title = article.get_by_role("link", name=LILLE_TECH_DAYS)
    expect(title).to_have_attribute("href", re.compile(r"^https://press\.example/"))
    expect(article.locator(".press-meta time")).to_have_attribute("datetime", "2025-06-12")
    expect(article.locator(".press-meta")).to_contain_text("Langue : anglais")
    quote = article.locator("blockquote.press-quote").first
    expect(quote).to_have_attribute("lang", "en")
    expect(quote.locator("mark").first).to_have_text("Euratechnologies")


def test_an_article_leads_to_its_story_in_the_other_language(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(actor_path(live_server, "ZeBox") + "?lang=en")
    press = page.locator("section#press")
    expect(press.get_by_role("heading", level=2)).to_contain_text("Press review")
    article = press.locator("li.press-article").first
    expect(article.locator("h3")).to_contain_text("Nautiloop lève 1,2 M€")
    expect(article.locator("h3")).to_have_attribute("lang", "fr")
    expect(article.locator("blockquote mark")).to_have_text(["ZeBox"])
    version = article.locator(".press-versions").get_by_role("link", name=NAUTILOOP_EN)
    expect(version).to_have_attribute("hreflang", "en")
    expect(article.locator(".press-versions")).to_contain_text("(English, 2025-03-19)")


def test_territory_page_of_the_demo_shows_its_press_review(page: Page) -> None:
    page.goto("/territories/fr:region:93")
    press = page.locator("section#press")
    expect(press.locator("li.press-article")).not_to_have_count(0)
    expect(press.locator("blockquote mark", has_text="Marseille").first).to_be_visible()


def test_an_actor_page_with_its_press_review_fits_a_phone(
    browser: Browser, live_server: LiveServer, artifacts: Path
) -> None:
    phone: Visit = new_visit(
        browser, live_server, viewport={"width": 375, "height": 812}, is_mobile=True
    )
    try:
        phone.page.goto(actor_path(live_server, "ZeBox"))
        wait_for_maps(phone.page)
        expect(phone.page.locator("section#press li.press-article")).to_have_count(1)
        phone.page.screenshot(path=artifacts / "actor-press-375px.png", full_page=True)
        width = phone.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"the actor page is {width}px wide at 375px: it scrolls sideways"
        assert phone.errors == [], "JavaScript errors:\n" + "\n".join(phone.errors)
    finally:
        phone.context.close()
