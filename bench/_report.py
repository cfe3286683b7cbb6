"""The table every benchmark prints: a measure a row, cartotech beside its
baseline, the ratio, the target and PASS or MISS."""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

console = Console(highlight=False, width=None if sys.stdout.isatty() else 140)


@dataclass
class Row:
    measure: str
    cartotech: str
    baseline: str
    ratio: str
    target: str
    verdict: str


def verdict(*checks: bool) -> str:
    return " · ".join("PASS" if ok else "MISS" for ok in checks)


def print_table(title: str, rows: list[Row], *, baseline: str = "baseline") -> None:
    table = Table(title=title, title_justify="left")
    table.add_column("measure")
    table.add_column("cartotech", justify="right")
    table.add_column(baseline, justify="right")
    table.add_column("ratio", justify="right")
    table.add_column("target")
    table.add_column("verdict")
    for row in rows:
        style = "red" if "MISS" in row.verdict else None
        table.add_row(
            row.measure, row.cartotech, row.baseline, row.ratio, row.target, row.verdict,
            style=style,
        )  # fmt: skip
    console.print(table)


def cpu_model() -> str:
    """The processor's name from /proc/cpuinfo, else what platform knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()
