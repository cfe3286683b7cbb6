"""``cartotech extract``: articles in, one gold-format JSON per article out.

The output file is named after the article: ``004_x.txt`` -> ``004_x.json``;
an article from a line of a JSON Lines file or an entry of a feed gets the
line or entry number (``feed.xml`` entry 3 -> ``feed.3.json``). Nothing is
written for a file that gave no article; it is in the report instead.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cartotech.domain.documents import BadInput, Document
from cartotech.extract.pipeline import ArticleInput, Extractor
from cartotech.ingest.readers import iter_documents

__all__ = ["ExtractReport", "extract_files", "output_name"]


@dataclass
class ExtractReport:
    written: list[Path] = field(default_factory=list)
    not_extracted: list[tuple[str, str]] = field(default_factory=list)  # (source, why)
    bad_inputs: list[BadInput] = field(default_factory=list)


def output_name(document: Document) -> str:
    number = document.line if document.line is not None else document.entry
    stem = document.path.stem
    return f"{stem}.{number}.json" if number is not None else f"{stem}.json"


def _documents(paths: Iterable[Path], report: ExtractReport) -> Iterator[Document]:
    for item in iter_documents(paths):
        if isinstance(item, BadInput):
            report.bad_inputs.append(item)
        else:
            yield item


def extract_files(
    paths: Iterable[Path], out: Path, extractor: Extractor, *, n_process: int = 1
) -> ExtractReport:
    """Extract every article under ``paths`` into ``out`` (created if needed)."""
    out.mkdir(parents=True, exist_ok=True)
    report = ExtractReport()
    # Documents read but not yet written, oldest first: results come back in
    # input order, so the queue stays as short as the extractor's read-ahead.
    waiting: deque[Document] = deque()

    def inputs() -> Iterator[ArticleInput]:
        for document in _documents(paths, report):
            waiting.append(document)
            yield ArticleInput(document.text, document.lang, document.published)

    for extraction in extractor.extract_many(inputs(), n_process=n_process):
        document = waiting.popleft()
        if extraction.skipped:
            report.not_extracted.append((document.source, extraction.skipped))
        target = out / output_name(document)
        record = {"source": document.source, **extraction.to_gold()}
        target.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
        report.written.append(target)
    return report
