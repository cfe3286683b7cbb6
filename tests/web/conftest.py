from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from cartotech.operations import demo_press_paths
from cartotech.press import ingest_paths
from cartotech.settings import get_settings
from cartotech.store import create_store_engine
from cartotech.web import create_app
from tests.conftest import BACKENDS, new_database_url
from tests.hand_extractor import HandExtractor

# Press articles of the web tests (JSON Lines keeps text, title and url as
# written; Markdown and HTML would strip the markup before it reaches the store).
# HOSTILE_ARTICLE: markup in the very sentence that names Euratechnologies, in
# its title, and a javascript: address, all to be shown as text, never run.
HOSTILE_SCRIPT = "<script>alert('press')</script>"
HOSTILE_IMG = "<img src=x onerror=alert(1)>"
HOSTILE_TITLE = "<b>Euratechnologies</b> <script>alert('titre')</script>"
HOSTILE_URL = "javascript:alert(document.cookie)"
HOSTILE_ARTICLE = {
    "title": HOSTILE_TITLE,
    "url": HOSTILE_URL,
    "date": "2025-02-03",
    "lang": "fr",
    "text": (
        "Portes ouvertes dans le nord. "
        f"Le campus Euratechnologies accueille ce lundi {HOSTILE_SCRIPT} et {HOSTILE_IMG} "
        "dans son grand hall de Lille. "
        "Une quarantaine de jeunes pousses du numérique y présentent leurs travaux au public."
    ),
}
# OLDER_ARTICLE: a second, older article on Euratechnologies, for the order and
# the pages of its press review; its sentence names the actor twice.
OLDER_ARTICLE = {
    "title": "Un programme pour la santé numérique",
    "url": "https://press.test/fr/2025/01/10/sante-numerique",
    "date": "2025-01-10",
    "lang": "fr",
    "text": (
        "Le programme santé d'Euratechnologies rouvre ses candidatures : "
        "Euratechnologies retiendra douze équipes au printemps. "
        "Les dossiers sont attendus avant la fin du mois de mars."
    ),
}
# The extractor of the web tests: these names and places, found by str.find,
# then linked to the curated directory by the real resolver.
PRESS_EXTRACTOR = {
    "orgs": {"Euratechnologies": ("incubator", ()), "ZeBox": ("incubator", ())},
    "places": {"Lille": "fr:commune:59350", "Marseille": "fr:commune:13055"},
}


@pytest.fixture(scope="session", params=BACKENDS)
def web_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FastAPI]:
    """One app per backend over the loaded store; the web tests only read it."""
    url = new_database_url(request.param, request, tmp_path_factory, "loaded")
    app = create_app(get_settings(database_url=url))
    yield app
    app.state.engine.dispose()


@pytest.fixture
def client(web_app: FastAPI) -> Iterator[TestClient]:
    """A fresh client (and cookie jar) per test."""
    with TestClient(web_app) as test_client:
        yield test_client


def write_press_articles(folder: Path) -> list[Path]:
    """The web tests' articles: the two above, and the demo's French and English
    Nautiloop articles (one story, ZeBox in it)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = folder / "euratechnologies.jsonl"
    lines.write_text(
        "\n".join(json.dumps(article) for article in (HOSTILE_ARTICLE, OLDER_ARTICLE)) + "\n",
        encoding="utf-8",
    )
    paths = [lines]
    for path in demo_press_paths():
        if "nautiloop" in path.name:
            paths.append(Path(shutil.copy(path, folder / path.name)))
    return paths


@pytest.fixture(scope="session", params=BACKENDS)
def press_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FastAPI]:
    """One app per backend over the loaded store plus the press articles above."""
    url = new_database_url(request.param, request, tmp_path_factory, "loaded")
    engine = create_store_engine(url)
    try:
        folder = tmp_path_factory.mktemp("press")
        report = ingest_paths(
            engine, write_press_articles(folder), extractor=HandExtractor(**PRESS_EXTRACTOR)
        )
    finally:
        engine.dispose()
    assert report.bad == []
    assert dict(report.documents) == {"new": 3, "cross_language": 1}
    app = create_app(get_settings(database_url=url))
    yield app
    app.state.engine.dispose()


@pytest.fixture
def press_client(press_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(press_app) as test_client:
        yield test_client
