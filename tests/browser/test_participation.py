"""Participation in a real browser: the real `cartotech serve` process, configured to send
its emails to a real SMTP server on loopback (aiosmtpd), driven by Chromium.

- present an organisation (the commune suggested by the referential), confirm from
  the email, a moderator accepts, and it is in the directory and on the map;
- sign the petition, confirm from the email, the counter moves;
- the candidacy page shows its criteria with evidence links that lead to the actors;
- axe-core finds no serious or critical violation on the participation pages, and
  they run under the Content-Security-Policy without an error.

The server reads a demo database of its own (built by ``build_demo`` with a hand
extractor: the press articles are not what is tested here), with an administrator.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from cartotech.operations import build_demo
from cartotech.store import create_store_engine, unit_of_work
from cartotech.store.accounts import create_admin
from cartotech.store.participation_demo import DEMO_PETITION_SLUG
from tests.browser.conftest import ROOT, _wait_until_healthy
from tests.browser.support import LiveServer, Visit, new_visit, wait_for_maps
from tests.browser.test_accessibility import describe
from tests.browser.test_auth import run_axe
from tests.hand_extractor import HandExtractor
from tests.pgcluster import free_port
from tests.web.participation_support import SmtpServer, smtp_server

pytestmark = pytest.mark.browser

ADMIN_EMAIL = "participation.admin@cartotech.test"
ADMIN_PASSWORD = "participation admin password"
PETITION = f"/petitions/{DEMO_PETITION_SLUG}"
LINK = re.compile(r"https?://\S+")


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, smtp: SmtpServer) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("participation")
    database = folder / "demo.db"
    build_demo(database, extractor=HandExtractor())
    engine = create_store_engine(f"sqlite:///{database}")
    try:
        with unit_of_work(engine) as conn:
            create_admin(conn, ADMIN_EMAIL, ADMIN_PASSWORD)
    finally:
        engine.dispose()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {key: value for key, value in os.environ.items() if not key.startswith("CARTOTECH_")}
    env.update(
        CARTOTECH_SMTP_HOST=smtp.host, CARTOTECH_SMTP_PORT=str(smtp.port),
        CARTOTECH_SMTP_STARTTLS="false", CARTOTECH_PUBLIC_URL=url,
        CARTOTECH_SMTP_SENDER="cartotech <no-reply@cartotech.test>",
    )  # fmt: skip
    log = folder / "server.log"
    command = [sys.executable, "-m", "cartotech.cli", "serve", "--db", str(database)]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    live = LiveServer(url=url, process=process, log=log)
    _wait_until_healthy(live)
    yield live
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def visit(browser: Browser, server: LiveServer) -> Iterator[Visit]:
    current = new_visit(browser, server, viewport={"width": 1280, "height": 900})
    yield current
    current.context.close()


def email_link(smtp: SmtpServer, address: str, server: LiveServer) -> str:
    """The link of the last email to ``address``; it points at the server."""
    body = smtp.inbox.last(address).get_content()
    (link,) = LINK.findall(body)
    assert link.startswith(server.url), link
    return link


def log_in(page: Page) -> None:
    page.goto("/login")
    page.get_by_label("Adresse e-mail").fill(ADMIN_EMAIL)
    page.get_by_label("Mot de passe").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/$"))


def test_present_confirm_accept_then_in_the_directory_and_on_the_map(
    visit: Visit, browser: Browser, server: LiveServer, smtp: SmtpServer
) -> None:
    page = visit.page
    page.goto("/")
    page.get_by_role("link", name="Participer").click()
    page.get_by_role("link", name="Présentez votre organisation").click()
    page.get_by_label("Nom de l'organisation").fill("Quillbrook Robotique")
    page.get_by_label("Type").select_option("startup")
    commune = page.get_by_label("Commune")
    commune.fill("Roub")
    # The script suggests communes of the referential; choosing one fills the id.
    suggestion = page.locator("datalist#f-commune-options option[value='Roubaix (59, Nord)']")
    expect(suggestion).to_have_count(1)
    commune.fill("Roubaix (59, Nord)")
    expect(page.locator("#f-commune-id")).to_have_value("fr:commune:59512")
    page.get_by_label("Intelligence artificielle", exact=True).check()
    page.get_by_label("Description en français").fill("Des bras robotisés pour les ateliers.")
    page.get_by_label("Votre adresse e-mail").fill("alix@quillbrook.example")
    expect(page.locator("input[name=website_url]")).to_be_hidden()  # the honeypot
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre boîte e-mail")

    page.goto(email_link(smtp, "alix@quillbrook.example", server))
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Adresse confirmée")

    moderator = new_visit(browser, server)
    try:
        log_in(moderator.page)
        moderator.page.goto("/moderation")
        item = moderator.page.locator("article.queue-item", has_text="Quillbrook Robotique")
        item.get_by_role("button", name="Accepter").click()
        expect(moderator.page.get_by_role("status")).to_have_text("Accepté : la fiche est publiée.")
        assert moderator.errors == [], "\n".join(moderator.errors)
    finally:
        moderator.context.close()

    page.goto("/actors?q=quillbrook")
    page.get_by_role("link", name="Quillbrook Robotique").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quillbrook Robotique")
    expect(page.locator("dd cite.source")).to_contain_text("Participation form: self-presentation")
    page.goto("/map?q=quillbrook")
    wait_for_maps(page)
    marker = page.locator("#main-map .leaflet-marker-icon[title='Quillbrook Robotique']")
    expect(marker).to_have_count(1)
    # The new owner is invited by email to set a password.
    assert smtp.inbox.last("alix@quillbrook.example")["Subject"] == (
        "Votre organisation est publiée sur cartotech"
    )
    assert visit.errors == [], "\n".join(visit.errors)


def test_sign_confirm_and_the_counter_moves(
    visit: Visit, server: LiveServer, smtp: SmtpServer
) -> None:
    page = visit.page
    page.goto(PETITION)
    counter = page.locator("#petition-counter strong")
    before = int(counter.get_attribute("data-count") or "0")
    assert before >= 12
    page.get_by_label("Vos prénom et nom").fill("Jeanne Navigatrice")
    page.get_by_label("Adresse e-mail").fill("jeanne@navigateur.example")
    page.get_by_label("J'accepte que mon nom apparaisse").check()
    page.get_by_role("button", name="Signer la pétition").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre boîte e-mail")
    page.goto(PETITION)
    expect(counter).to_have_attribute("data-count", str(before))  # not before confirmation

    page.goto(email_link(smtp, "jeanne@navigateur.example", server))
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("status")).to_contain_text("votre signature est confirmée")
    expect(counter).to_have_attribute("data-count", str(before + 1))
    expect(page.locator(".signatory-names")).to_contain_text("Jeanne Navigatrice")
    assert visit.errors == [], "\n".join(visit.errors)


def test_the_candidacy_shows_criteria_with_evidence_links(visit: Visit) -> None:
    page = visit.page
    page.goto("/candidacies")
    page.get_by_role("link", name="French Tech Lille").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("French Tech Lille")
    table = page.locator("table.criteria")
    expect(table.get_by_role("row")).to_have_count(13)  # a header and 12 criteria
    expect(page.locator(".score-summary .formula")).to_contain_text("total = ")
    evidence = page.locator("#evidence-support_structures")
    expect(evidence.locator(".formula")).to_contain_text("points = 10 × min(1, ")
    expect(evidence.locator("cite.source").first).to_be_visible()
    evidence.get_by_role("link", name="Euratechnologies").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Euratechnologies")
    assert visit.errors == [], "\n".join(visit.errors)


PUBLIC_PAGES = [
    "/participate",
    "/present",
    "/events",
    "/events/new",
    "/events/1",
    "/petitions",
    PETITION,
    "/candidacies",
    "/candidacies/1",
    "/candidacies/1?lang=en",
    "/funding",
    "/funding?lang=en",
    "/territories/fr:epci:200093201",
    "/present/confirm?token=x",
    "/invitation?token=x",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_participation_pages_have_no_serious_accessibility_violation(
    visit: Visit, path: str
) -> None:
    page = visit.page
    page.goto(path)
    wait_for_maps(page)
    blocking = run_axe(page)
    assert blocking == [], f"axe on {path}:\n{describe(blocking)}"
    assert visit.errors == [], "CSP violations or script errors:\n" + "\n".join(visit.errors)


@pytest.mark.parametrize("path", ["/moderation", "/candidacies/1", "/candidacies/new"])
def test_pages_for_moderators_and_managers_have_no_serious_violation(
    visit: Visit, path: str
) -> None:
    page = visit.page
    log_in(page)
    page.goto(path)
    blocking = run_axe(page)
    assert blocking == [], f"axe on {path}:\n{describe(blocking)}"


def test_the_is_this_you_step_and_form_errors_are_accessible(visit: Visit) -> None:
    page = visit.page
    page.goto("/present")
    page.get_by_label("Nom de l'organisation").fill("EuraTechnologies")
    page.get_by_label("Commune").fill("Lille")
    page.get_by_label("Votre adresse e-mail").fill("someone@euratech.example")
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Est-ce vous ?")
    assert run_axe(page) == []
    page.goto("/present")
    page.get_by_label("Nom de l'organisation").fill("Quelque chose")
    page.get_by_label("Commune").fill("Lille")
    page.get_by_label("SIREN").fill("123456789")
    page.get_by_label("Votre adresse e-mail").fill("someone@else.example")
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_role("alert")).to_contain_text("is not a valid SIREN")
    expect(page.get_by_label("SIREN")).to_have_attribute("aria-invalid", "true")
    assert run_axe(page) == []
