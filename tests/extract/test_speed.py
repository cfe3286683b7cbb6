"""The extractors stay fast on long articles (no quadratic scans)."""

from __future__ import annotations

import time

import pytest

from cartotech.extract import find_amounts, find_counts, find_dates


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_extractors_are_fast(lang: str) -> None:
    """A long article (about 60,000 characters) takes well under 3 s (about 0.4 s here)."""
    sentence = {
        "fr": "Le 3 mai 2021, la start-up a levé 2,5 M€ et recruté une dizaine de salariés. ",
        "en": "On 3 May 2021, the startup raised €2.5m and hired a dozen engineers. ",
    }[lang]
    text = sentence * 800
    started = time.perf_counter()
    find_amounts(text, lang)
    find_counts(text, lang)
    find_dates(text, lang, None)
    assert time.perf_counter() - started < 3.0
