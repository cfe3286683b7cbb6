"""Score the numeric extractors (amounts, counts, dates) on the seed articles.

    .venv/bin/python bench/score_numeric.py [--seeds DIR] [--gold DIR] [--out DIR]

Runs ``find_amounts``, ``find_counts`` and ``find_dates`` on every ``*.txt`` of the seeds
folder, writes one JSON per article in the gold format (only ``lang``, ``amounts``,
``counts`` and ``dates`` filled, spans as extra keys) into ``--out``, then runs the gold
scorer (``score.py --json``) on it and prints precision, recall and F1 of the three
fields, and the unit accuracy of counts. The seeds have no publication date, so
relative dates resolve against the latest date each text states (the gold rule). The
language of each article is the ``lang`` of its gold file.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from cartotech.extract import find_amounts, find_counts, find_dates

SHARED = Path(__file__).resolve().parents[2] / "shared"
FIELDS = ("amounts", "counts", "dates")
TARGET_F1 = 0.90


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def predict(text: str, lang: str, published: str | None = None) -> dict[str, Any]:
    """The gold-format record of one article, numeric fields only."""
    amounts = [{**asdict(a), "value": _number(a.value)} for a in find_amounts(text, lang)]
    counts = [{**asdict(c), "value": _number(c.value)} for c in find_counts(text, lang)]
    dates = [asdict(d) for d in find_dates(text, lang, published)]
    return {
        "lang": lang,
        "organizations": [],
        "people": [],
        "places": [],
        "amounts": amounts,
        "counts": counts,
        "dates": dates,
        "relations": [],
    }


def predict_dir(seeds: Path, gold: Path, out: Path) -> list[Path]:
    """Write one prediction per seed article into ``out``; the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for article in sorted(seeds.glob("*.txt")):
        gold_file = gold / f"{article.stem}.json"
        lang = json.loads(gold_file.read_text(encoding="utf-8"))["lang"]
        record = predict(article.read_text(encoding="utf-8"), lang)
        target = out / f"{article.stem}.json"
        target.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
        written.append(target)
    return written


def score(gold: Path, pred: Path) -> dict[str, Any]:
    """The gold scorer's JSON report for the predictions in ``pred``."""
    scorer = gold / "score.py"
    result = subprocess.run(
        [sys.executable, str(scorer), "--gold", str(gold), "--pred", str(pred), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def table(report: dict[str, Any]) -> str:
    lines = [f"{'field':<9}{'P':>7}{'R':>7}{'F1':>7}{'gold':>6}{'pred':>6}{'match':>7}  extra"]
    for field in FIELDS:
        row = report[field]
        extra = f"unit_accuracy={row['unit_accuracy']}" if "unit_accuracy" in row else ""
        lines.append(
            f"{field:<9}{row['precision']:>7.3f}{row['recall']:>7.3f}{row['f1']:>7.3f}"
            f"{row['gold']:>6}{row['pred']:>6}{row['match']:>7}  {extra}".rstrip()
        )
    lines.append(f"documents: {report['documents']}  target: F1 >= {TARGET_F1:.2f} on each")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seeds", type=Path, default=SHARED / "seeds")
    parser.add_argument("--gold", type=Path, default=SHARED / "gold")
    parser.add_argument("--out", type=Path, help="where to write predictions (default: temp)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        out = args.out or Path(scratch)
        predict_dir(args.seeds, args.gold, out)
        report = score(args.gold, out)
    print(table(report))
    return 0 if all(report[f]["f1"] >= TARGET_F1 for f in FIELDS) else 1


if __name__ == "__main__":
    sys.exit(main())
