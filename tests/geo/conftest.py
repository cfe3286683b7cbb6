"""Fixtures of the territory referential tests."""

from __future__ import annotations

import pytest

from cartotech.geo import Referential, get_referential


@pytest.fixture(scope="session")
def referential() -> Referential:
    """The package referential (loaded once; it is immutable)."""
    return get_referential()
