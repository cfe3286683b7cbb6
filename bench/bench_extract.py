"""The extraction benchmark: cartotech's extractor end to end on the five seed articles
repeated to 1,000 documents, beside the bare spaCy models it is built on, with the targets
it must meet.

    .venv/bin/python bench/bench_extract.py                 # 1,000 documents, 2 processes
    .venv/bin/python bench/bench_extract.py --docs 200      # a quick run

What is measured:

* cartotech: ``Extractor.load()`` (timed apart), then
  ``list(extractor.extract_many(items, n_process=N))`` over every document, the
  assembly of ``ArticleExtraction`` records included;
* baseline: for each language, the bare model with the same components left out,
  switched on and added (``pipeline.yaml``: model, exclude, enable, add;
  ``cartotech.extract.pipeline.load_model``), then
  ``list(nlp.pipe(texts, batch_size=16, n_process=N))`` over that language's documents;
  load and pipe times are summed over both languages.

Each side runs in its own fresh child process (spawned) so that neither inherits the
other's models; inside it, spaCy's workers start the way they would under
``cartotech extract`` (this platform's default start method: ``fork`` on Linux with
Python 3.11), not by the ``spawn`` a spawned child would otherwise pass on to them.
Memory is sampled every 0.2 s over this process tree (this script, the child and
spaCy's workers), two ways: the sum of PSS, where a page shared by forked workers is
divided among them (the memory the tree really holds: the target applies to it), and
the sum of RSS, where such a page counts once per process (an overstatement, printed as
an upper bound); ``ru_maxrss`` (the largest single process) is a cross-check. The seed
texts are read from ``../shared/seeds`` beside the repository, never copied into it.

It is not a test: it prints figures and PASS/MISS, and exits 0 either way.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import resource
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import psutil
from _memory import SAMPLE_SECONDS, TreeSampler, TreeUsage, peak_rss
from _report import Row, console, cpu_model, print_table, verdict

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = SHARED / "seeds"
GOLD = SHARED / "gold"
DEFAULT_DOCS = 1000
DEFAULT_PROCESSES = 2
BASELINE_BATCH = 16
MIB = 1024 * 1024
GIB = 1024 * MIB

# Targets.
ARTICLES_PER_SECOND = 30.0  # end to end, at least
THROUGHPUT_RATIO = 0.70  # cartotech / bare spaCy, at least
PEAK_MEMORY = 2 * GIB  # at most


# --------------------------------------------------------------------------------------------
# The documents
# --------------------------------------------------------------------------------------------


def load_seeds() -> list[tuple[str, str, str]]:
    """(stem, text, lang) of each seed article, in file order."""
    seeds = []
    for path in sorted(SEEDS.glob("*.txt")):
        gold = json.loads((GOLD / f"{path.stem}.json").read_text("utf-8"))
        seeds.append((path.stem, path.read_text("utf-8"), str(gold["lang"])))
    if not seeds:
        raise SystemExit(f"bench: no seed articles in {SEEDS}")
    return seeds


def documents(seeds: list[tuple[str, str, str]], count: int) -> list[tuple[str, str]]:
    """``count`` (text, lang) documents: the seeds in turn, repeated."""
    return [(seeds[i % len(seeds)][1], seeds[i % len(seeds)][2]) for i in range(count)]


# --------------------------------------------------------------------------------------------
# The measured runs (each in a spawned child process)
# --------------------------------------------------------------------------------------------


def _maxrss_bytes() -> tuple[int, int]:
    """ru_maxrss of this process and of its largest waited-for descendant, in bytes."""
    multiprocessing.active_children()  # reap finished workers so that they are counted
    return peak_rss(), peak_rss(resource.RUSAGE_CHILDREN)


def _cpu_seconds() -> float:
    """User and system CPU time of this process and of its waited-for descendants."""
    multiprocessing.active_children()
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_cartotech(docs: list[tuple[str, str]], processes: int, out: Connection) -> None:
    from cartotech.extract.pipeline import ArticleInput, Extractor

    started = time.perf_counter()
    extractor = Extractor.load()
    loaded = time.perf_counter()
    items = [ArticleInput(text, lang, None) for text, lang in docs]
    out.send(("started", None))
    cpu, t0 = _cpu_seconds(), time.perf_counter()
    results = list(extractor.extract_many(items, n_process=processes))
    seconds = time.perf_counter() - t0
    cpu = _cpu_seconds() - cpu
    assert len(results) == len(docs)
    own, children = _maxrss_bytes()
    out.send(
        (
            "done",
            {
                "load": loaded - started,
                "seconds": seconds,
                "cpu": cpu,
                "maxrss_self": own,
                "maxrss_children": children,
                "orgs": sum(len(r.organizations) for r in results),
            },
        )
    )


def run_baseline(docs: list[tuple[str, str]], processes: int, out: Connection) -> None:
    from cartotech.extract.pipeline import load_model, pipeline_config

    languages = pipeline_config()["languages"]
    by_lang: dict[str, list[str]] = {}
    for text, lang in docs:
        by_lang.setdefault(lang, []).append(text)
    load = 0.0
    pipelines = {}
    for lang in by_lang:
        spec = languages[lang]
        t0 = time.perf_counter()
        nlp = load_model(spec)
        load += time.perf_counter() - t0
        pipelines[lang] = nlp
    out.send(("started", None))
    seconds = 0.0
    entities = 0
    cpu = _cpu_seconds()
    for lang, texts in by_lang.items():
        t0 = time.perf_counter()
        parsed = list(pipelines[lang].pipe(texts, batch_size=BASELINE_BATCH, n_process=processes))
        seconds += time.perf_counter() - t0
        entities += sum(len(doc.ents) for doc in parsed)
    cpu = _cpu_seconds() - cpu
    own, children = _maxrss_bytes()
    out.send(
        (
            "done",
            {
                "load": load,
                "seconds": seconds,
                "cpu": cpu,
                "maxrss_self": own,
                "maxrss_children": children,
                "pipes": {lang: list(nlp.pipe_names) for lang, nlp in pipelines.items()},
                "entities": entities,
            },
        )
    )


@dataclass
class Measure:
    load: float
    seconds: float
    cpu: float  # CPU seconds of the run: the child and its spaCy workers
    peak_pss: TreeUsage  # the sample with the largest sum of PSS over the tree
    peak_rss: TreeUsage  # the sample with the largest sum of RSS
    maxrss_self: int
    maxrss_children: int
    extra: dict[str, Any]


def _child(
    target: Any, start_method: str, docs: list[tuple[str, str]], processes: int, out: Connection
) -> None:
    # A spawned child inherits "spawn" as its default start method; spaCy's workers must
    # start as they would under `cartotech extract` (this script's default), not pickle
    # the models into each worker.
    multiprocessing.set_start_method(start_method, force=True)
    target(docs, processes, out)


def measure(target: Any, docs: list[tuple[str, str]], processes: int) -> Measure:
    start_method = multiprocessing.get_start_method()
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(target, start_method, docs, processes, send))
    with TreeSampler() as sampler:
        child.start()
        send.close()
        report: dict[str, Any] | None = None
        try:
            while True:
                kind, payload = receive.recv()
                if kind == "done":
                    report = payload
                    break
        except EOFError:
            pass
        child.join()
    if report is None or child.exitcode != 0:
        raise SystemExit(f"bench: the {target.__name__} child failed (exit {child.exitcode})")
    return Measure(
        load=report.pop("load"),
        seconds=report.pop("seconds"),
        cpu=report.pop("cpu"),
        peak_pss=sampler.peak_pss,
        peak_rss=sampler.peak_rss,
        maxrss_self=report.pop("maxrss_self"),
        maxrss_children=report.pop("maxrss_children"),
        extra=report,
    )


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def _mib(size: float) -> str:
    return f"{size / MIB:,.0f} MiB"


def _memory_row(measure: str, ours: int, base: int) -> Row:
    return Row(
        measure,
        _mib(ours),
        _mib(base),
        f"{ours / base:.2f}",
        f"≤ {PEAK_MEMORY / GIB:.0f} GiB",
        verdict(ours <= PEAK_MEMORY),
    )


def machine_lines(args: argparse.Namespace) -> list[str]:
    import spacy

    model = cpu_model()
    return [
        f"machine: {os.cpu_count()} cores ({model}), "
        f"{psutil.virtual_memory().total / GIB:.1f} GiB RAM, {platform.system()} "
        f"{platform.release()}",
        f"python {platform.python_version()}, spaCy {spacy.__version__}",
        f"documents: {args.docs:,}, processes: {args.processes} "
        f"(spaCy's workers start by {multiprocessing.get_start_method()})",
    ]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--docs", type=int, default=DEFAULT_DOCS, help="how many documents")
    parser.add_argument(
        "--processes", type=int, default=DEFAULT_PROCESSES, help="n_process of both runs"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    started = time.perf_counter()
    seeds = load_seeds()
    docs = documents(seeds, args.docs)
    words = sum(len(text.split()) for text, _ in docs)
    langs: dict[str, int] = {}
    for _, lang in docs:
        langs[lang] = langs.get(lang, 0) + 1
    for line in machine_lines(args):
        console.print(line)
    console.print(
        f"corpus: {len(seeds)} seed articles from {SEEDS} repeated to {len(docs):,} documents "
        f"({', '.join(f'{n} {lang}' for lang, n in sorted(langs.items()))}), {words:,} words"
    )

    console.print("[bold]bare spaCy[/] (nlp.pipe per language)…")
    base = measure(run_baseline, docs, args.processes)
    console.print(
        f"  load {base.load:.1f} s, pipe {base.seconds:.1f} s, CPU {base.cpu:.1f} s; pipes: "
        + "; ".join(f"{lang} {names}" for lang, names in base.extra["pipes"].items())
    )
    console.print("[bold]cartotech[/] (Extractor.extract_many)…")
    ours = measure(run_cartotech, docs, args.processes)
    console.print(f"  load {ours.load:.1f} s, extract {ours.seconds:.1f} s, CPU {ours.cpu:.1f} s")

    rate, base_rate = len(docs) / ours.seconds, len(docs) / base.seconds
    ratio = rate / base_rate
    ours_single = max(ours.maxrss_self, ours.maxrss_children)
    base_single = max(base.maxrss_self, base.maxrss_children)
    rows = [
        Row(
            "model load (left out of the rates)",
            f"{ours.load:.1f} s",
            f"{base.load:.1f} s",
            f"{ours.load / base.load:.2f}",
            "—",
            "—",
        ),
        Row(
            f"articles/s, n_process={args.processes}",
            f"{rate:,.1f}",
            f"{base_rate:,.1f}",
            f"{ratio:.2f}",
            f"≥ {ARTICLES_PER_SECOND:.0f}/s · ratio ≥ {THROUGHPUT_RATIO:.2f}",
            verdict(rate >= ARTICLES_PER_SECOND, ratio >= THROUGHPUT_RATIO),
        ),
        Row(
            "words/s (whitespace-split words)",
            f"{words / ours.seconds:,.0f}",
            f"{words / base.seconds:,.0f}",
            f"{ratio:.2f}",
            "—",
            "—",
        ),
        Row(
            "CPU time per article, the child and its workers (less sensitive than "
            "wall time to other work on the machine)",
            f"{ours.cpu / len(docs) * 1000:,.1f} ms",
            f"{base.cpu / len(docs) * 1000:,.1f} ms",
            f"{ours.cpu / base.cpu:.2f}",
            "—",
            "—",
        ),
        _memory_row(
            f"peak memory: sum of PSS over the process tree, shared pages divided "
            f"(sampled every {SAMPLE_SECONDS} s; {ours.peak_pss.processes} / "
            f"{base.peak_pss.processes} processes; USS then {_mib(ours.peak_pss.uss)} / "
            f"{_mib(base.peak_pss.uss)})",
            ours.peak_pss.pss,
            base.peak_pss.pss,
        ),
        _memory_row(
            f"upper bound: sum of RSS over the process tree, shared pages once per "
            f"process ({ours.peak_rss.processes} / {base.peak_rss.processes} processes)",
            ours.peak_rss.rss,
            base.peak_rss.rss,
        ),
        Row(
            "cross-check: ru_maxrss, largest single process (child · its spaCy workers)",
            f"{_mib(ours.maxrss_self)} · {_mib(ours.maxrss_children)}",
            f"{_mib(base.maxrss_self)} · {_mib(base.maxrss_children)}",
            f"{ours_single / base_single:.2f}",
            "—",
            "—",
        ),
    ]
    console.print()
    print_table(
        f"cartotech extraction benchmark — {len(docs):,} documents, n_process={args.processes}",
        rows,
        baseline="bare spaCy",
    )
    console.print(
        "PSS divides each page among the processes that map it (spaCy's forked workers "
        "share the models' pages with their parent); RSS counts it in each of them. "
        f"getrusage(RUSAGE_CHILDREN).ru_maxrss of this script: "
        f"{_mib(peak_rss(resource.RUSAGE_CHILDREN))}."
    )
    console.print(f"total run time {time.perf_counter() - started:,.0f} s")


if __name__ == "__main__":
    main()
