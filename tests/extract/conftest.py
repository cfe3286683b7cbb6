"""Helpers shared by the numeric extractor tests."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[3] / "shared"
SEEDS = SHARED / "seeds"
GOLD = SHARED / "gold"


@pytest.fixture
def seeds_and_gold() -> tuple[Path, Path]:
    """The seed articles and their gold annotations (outside the repository)."""
    if not (SEEDS.is_dir() and (GOLD / "score.py").is_file()):
        pytest.skip(f"seed articles and gold scorer not found under {SHARED}")
    return SEEDS, GOLD
