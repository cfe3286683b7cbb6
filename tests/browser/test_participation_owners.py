"""The moderation queue and an owner's edit form in a real browser (the real `cartotech
serve` process, its emails read from aiosmtpd), with axe-core run on each page as it
changes: a presentation with a SIREN is confirmed and accepted; its owner, waiting for
their password, is listed under the queue and sent a new invitation; they set their
password from the new link, find the SIREN on their edit form, get a field error for a
wrong check digit, propose a right one; the queue shows the SIREN the actor has now."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import test_participation
from tests.browser.support import LiveServer, Visit, new_visit
from tests.browser.test_accessibility import describe
from tests.browser.test_auth import run_axe
from tests.browser.test_participation import email_link, log_in
from tests.web.participation_support import SmtpServer

pytestmark = pytest.mark.browser

smtp = test_participation.smtp
server = test_participation.server
visit = test_participation.visit

OWNER = "owner.axe@verrerie.example"


def assert_accessible(page: Page) -> None:
    blocking = run_axe(page)
    assert blocking == [], f"axe on {page.url}:\n{describe(blocking)}"


def present_and_confirm(page: Page, smtp: SmtpServer, server: LiveServer) -> None:
    page.goto("/present")
    page.get_by_label("Nom de l'organisation").fill("Verrerie Quillonne")
    page.get_by_label("Commune").fill("Lille")
    page.get_by_label("SIREN").fill("732829320")
    page.get_by_label("Votre adresse e-mail").fill(OWNER)
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre boîte e-mail")
    page.goto(email_link(smtp, OWNER, server))
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Adresse confirmée")


def test_the_queue_and_the_owner_edit_form_pass_axe_as_they_change(
    visit: Visit, browser: Browser, server: LiveServer, smtp: SmtpServer
) -> None:
    owner = visit.page
    present_and_confirm(owner, smtp, server)
    moderator = new_visit(browser, server)
    try:
        queue = moderator.page
        log_in(queue)
        queue.goto("/moderation")
        queue.locator("article.queue-item", has_text="Verrerie Quillonne").get_by_role(
            "button", name="Accepter"
        ).click()
        expect(queue.get_by_role("status")).to_have_text("Accepté : la fiche est publiée.")
        waiting = queue.locator("article.queue-item", has_text=OWNER)
        expect(waiting).to_contain_text("lien valable jusqu'au")
        assert_accessible(queue)
        first_link = email_link(smtp, OWNER, server)
        waiting.get_by_role("button", name="Envoyer une nouvelle invitation").click()
        expect(queue.get_by_role("status")).to_contain_text("Un nouveau lien d'invitation")
        assert_accessible(queue)

        new_link = email_link(smtp, OWNER, server)
        assert new_link != first_link
        owner.goto(new_link)
        owner.get_by_label("Nouveau mot de passe", exact=True).fill("owner password 123")
        owner.get_by_label("Nouveau mot de passe (à nouveau)").fill("owner password 123")
        owner.get_by_role("button", name="Enregistrer et me connecter").click()
        expect(owner.get_by_role("heading", level=1)).to_have_text("Verrerie Quillonne")
        owner.get_by_role("link", name="Proposer une modification").click()
        expect(owner.get_by_label("SIREN")).to_have_value("732829320")
        assert_accessible(owner)
        owner.get_by_label("SIREN").fill("552100553")
        owner.get_by_role("button", name="Proposer ces modifications").click()
        expect(owner.get_by_role("alert")).to_contain_text("is not a valid SIREN")
        expect(owner.get_by_label("SIREN")).to_have_attribute("aria-invalid", "true")
        assert_accessible(owner)
        owner.get_by_label("SIREN").fill("552100554")
        owner.get_by_role("button", name="Proposer ces modifications").click()
        owner.wait_for_url(re.compile(r"/actors/\d+\?edit=sent$"))

        queue.goto("/moderation")
        edit = queue.locator("article.queue-item", has_text="Modification — Verrerie Quillonne")
        expect(edit).to_contain_text("552100554 (actuellement : 732829320)")
        assert_accessible(queue)
        assert moderator.errors == [], "\n".join(moderator.errors)
    finally:
        moderator.context.close()
    # The refused form's 422 is the one error the owner's browser reports.
    unexpected = [e for e in visit.errors if "status of 422" not in e or "/edit)" not in e]
    assert unexpected == [], "\n".join(visit.errors)
    assert len(visit.errors) == 1
