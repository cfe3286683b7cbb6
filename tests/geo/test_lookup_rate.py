"""The measurement: look every current commune up by its own name.

For a commune whose name is unique among communes once normalised, it must come first; for
homonyms, the most populous of them must come first. Searching every level (as users do),
a commune can lose to a larger département or région of the same name ("Vienne", "Bretagne"):
those count as misses, hence the 99 % threshold rather than 100 %.
"""

from __future__ import annotations

import time
from collections import defaultdict

import pytest

from cartotech.geo import Referential, Territory, search_key


def _lookup_rates(referential: Referential, levels: tuple[str, ...] | None) -> tuple[float, float]:
    communes = referential.all("commune", kind="commune")
    by_key: dict[str, list[Territory]] = defaultdict(list)
    for commune in communes:
        by_key[search_key(commune.name)].append(commune)
    unique_hits = unique_total = homonym_hits = homonym_total = 0
    for same_name in by_key.values():
        # The most populous; equal populations are ranked by code.
        expected = min(same_name, key=lambda c: (-(c.population or 0), c.code))
        for commune in same_name:
            # limit=1: exact matches outrank every other tier, so the first result is the
            # same as with the default limit (tested in test_search.py), only faster.
            results = referential.find_places(commune.name, limit=1, levels=levels)
            hit = bool(results) and results[0].territory.id == expected.id
            if len(same_name) == 1:
                unique_total += 1
                unique_hits += hit
            else:
                homonym_total += 1
                homonym_hits += hit
    return unique_hits / unique_total, homonym_hits / homonym_total


def test_every_commune_is_found_by_its_own_name(
    referential: Referential, capsys: pytest.CaptureFixture[str]
) -> None:
    referential.find_places("warm up the index")
    started = time.perf_counter()
    unique_rate, homonym_rate = _lookup_rates(referential, levels=None)
    elapsed = time.perf_counter() - started
    communes_only = _lookup_rates(referential, levels=("commune",))
    report = (
        f"\nlookup by own name, all levels: unique names {unique_rate:.4%}, "
        f"homonyms (most populous first) {homonym_rate:.4%} in {elapsed:.1f} s; "
        f"communes only: unique {communes_only[0]:.4%}, homonyms {communes_only[1]:.4%}"
    )
    with capsys.disabled():  # the measured rate is part of the test's output on purpose
        print(report)  # noqa: T201
    assert unique_rate >= 0.99
    assert homonym_rate >= 0.99
    assert communes_only == (1.0, 1.0)
    assert elapsed < 30
