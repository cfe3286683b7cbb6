"""Language detection: fr, en or other; short text is other; one detector per process."""

from __future__ import annotations

import pytest

from cartotech.ingest import detect_language
from cartotech.ingest.language import declared_language, get_language_detector


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("La pépinière d'entreprises accueille trois nouvelles équipes ce mois-ci.", "fr"),
        ("The incubator welcomes three new teams this month, all working on health.", "en"),
        ("Das Gründerzentrum nimmt in diesem Monat drei neue Teams auf.", "other"),
        ("La incubadora recibe este mes a tres nuevos equipos de salud.", "other"),
        ("L'incubatore accoglie questo mese tre nuove squadre di ricerca.", "other"),
        ("", "other"),
        ("   \n ", "other"),
        ("Acme SAS", "other"),  # too short to tell
        ("12 345 678 — 2024", "other"),
    ],
)
def test_detect_language(text, expected):
    assert detect_language(text) == expected


def test_a_long_text_is_decided_on_its_beginning():
    text = "Une jeune entreprise bordelaise recrute des développeurs. " * 2_000
    assert detect_language(text) == "fr"


def test_the_detector_is_built_once():
    assert get_language_detector() is get_language_detector()


@pytest.mark.parametrize(
    ("code", "expected"),
    [("fr", "fr"), ("fr-FR", "fr"), ("en_GB", "en"), ("EN", "en"), ("de", "other"), ("??", None)],
)
def test_declared_language(code, expected):
    assert declared_language(code) == expected
