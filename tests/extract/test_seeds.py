"""The numeric extractors on the seed articles, scored by the gold scorer.

Runs ``bench/score_numeric.py``'s prediction on ``../shared/seeds`` and the unmodified
``../shared/gold/score.py`` on it: amounts, counts and dates must each reach F1 0.90.
Also checks that no seed sentence was copied into the extractor's code, patterns or
tests (the rules must be general, not fitted to these texts).
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]
TARGET_F1 = 0.90


def _bench() -> ModuleType:
    path = REPO / "bench" / "score_numeric.py"
    spec = importlib.util.spec_from_file_location("score_numeric", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_seed_scores_reach_the_targets(seeds_and_gold: tuple[Path, Path], tmp_path: Path) -> None:
    seeds, gold = seeds_and_gold
    bench = _bench()
    written = bench.predict_dir(seeds, gold, tmp_path)
    assert len(written) == len(list(seeds.glob("*.txt")))
    report = bench.score(gold, tmp_path)
    low = {
        f: report[f]["f1"] for f in ("amounts", "counts", "dates") if report[f]["f1"] < TARGET_F1
    }
    assert not low, bench.table(report)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def test_no_seed_sentence_is_copied_into_the_extractor(seeds_and_gold: tuple[Path, Path]) -> None:
    seeds, _ = seeds_and_gold
    run = 10
    shingles: set[tuple[str, ...]] = set()
    for article in seeds.glob("*.txt"):
        words = _words(article.read_text(encoding="utf-8"))
        shingles.update(tuple(words[i : i + run]) for i in range(len(words) - run + 1))
    ours = [
        *(REPO / "cartotech" / "extract").rglob("*.py"),
        *(REPO / "cartotech" / "extract" / "patterns").glob("*.yaml"),
        *(REPO / "tests" / "extract").glob("*.py"),
        REPO / "bench" / "score_numeric.py",
    ]
    copied = []
    for path in ours:
        words = _words(path.read_text(encoding="utf-8"))
        hits = [
            " ".join(words[i : i + run])
            for i in range(len(words) - run + 1)
            if tuple(words[i : i + run]) in shingles
        ]
        if hits:
            copied.append(f"{path.relative_to(REPO)}: {hits[0]}")
    assert not copied, copied
