"""Stories: exact, near and cross-language duplicates linked, measured on the seeds."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest

from cartotech.domain import Document
from cartotech.ingest import (
    StoryEntry,
    StoryIndex,
    StoryKind,
    iter_documents,
    read_document_file,
    similarity,
)
from cartotech.ingest.stories import CROSS_THRESHOLD, NEAR_THRESHOLD

SAME_STORY = ("001", "004")  # 001 is the English version of 004
SEED_KEYS = ("000", "001", "002", "003", "004")


@pytest.fixture(scope="module")
def seeds(seeds_dir: Path) -> dict[str, Document]:
    found = {}
    for item in iter_documents([seeds_dir]):
        assert isinstance(item, Document), item
        found[item.path.name[:3]] = item
    return found


def _read(path: Path) -> Document:
    items = read_document_file(path)
    assert len(items) == 1
    assert isinstance(items[0], Document), items[0]
    return items[0]


def _republished(text: str) -> str:
    """The same article re-published: new headline, every 25th word changed, a byline added."""
    words = text.split(" ")
    for index in range(7, len(words), 25):
        words[index] = "notamment"
    body = " ".join(words).split("\n", 1)[1]
    return f"Un titre réécrit pour la republication\n\nPar la rédaction.\n{body}"


def test_001_and_004_are_one_story_across_languages_and_no_other_pair(seeds):
    index = StoryIndex()
    matches = {key: index.add(seeds[key]) for key in sorted(seeds)}
    assert {key: match.kind for key, match in matches.items()} == {
        "000": StoryKind.NEW,
        "001": StoryKind.NEW,
        "002": StoryKind.NEW,
        "003": StoryKind.NEW,
        "004": StoryKind.CROSS_LANGUAGE,
    }
    assert matches["004"].story_id == matches["001"].story_id
    assert matches["004"].matched_hash == seeds["001"].content_hash
    assert len({match.story_id for match in matches.values()}) == 4


@pytest.mark.parametrize(("first", "second"), list(itertools.permutations(SEED_KEYS, 2)))
def test_each_pair_of_seeds_alone(seeds, first, second):
    index = StoryIndex()
    index.add(seeds[first])
    match = index.add(seeds[second])
    same = {first, second} == set(SAME_STORY)
    assert match.kind is (StoryKind.CROSS_LANGUAGE if same else StoryKind.NEW)


def test_the_thresholds_leave_a_wide_margin_on_the_seeds(seeds):
    scores = {
        (a, b): similarity(seeds[a], seeds[b]) for a, b in itertools.combinations(sorted(seeds), 2)
    }
    pair = scores.pop(SAME_STORY)
    assert pair.cross >= 2 * CROSS_THRESHOLD  # measured 0.75
    assert max(score.cross for score in scores.values()) <= CROSS_THRESHOLD / 3  # measured 0.071
    assert max(score.near for score in scores.values()) <= NEAR_THRESHOLD / 10  # measured 0.016


def test_a_republished_article_with_small_edits_is_a_near_duplicate(seeds, tmp_path):
    original = seeds["002"]
    path = tmp_path / "republished.txt"
    path.write_text(_republished(original.text), encoding="utf-8")
    copy = _read(path)
    assert copy.content_hash != original.content_hash
    assert copy.title != original.title
    index = StoryIndex()
    for key in sorted(seeds):
        index.add(seeds[key])
    match = index.add(copy)
    assert match.kind is StoryKind.NEAR
    assert match.story_id == index.story_of(original.content_hash)
    assert match.matched_hash == original.content_hash
    assert NEAR_THRESHOLD <= match.score < 1.0


def test_an_exact_copy_is_exact_and_adds_nothing(seeds, tmp_path):
    path = tmp_path / "copy.txt"
    path.write_bytes(seeds["003"].path.read_bytes())
    copy = _read(path)
    index = StoryIndex()
    first = index.add(seeds["003"])
    again = index.add(copy)
    assert again.kind is StoryKind.EXACT
    assert (again.story_id, again.score, again.entry) == (first.story_id, 1.0, None)
    assert len(index) == 1


def test_adding_everything_twice_changes_nothing(seeds):
    index = StoryIndex()
    first = [index.add(seeds[key]) for key in sorted(seeds)]
    state = index.export_state()
    second = [index.add(seeds[key]) for key in sorted(seeds)]
    assert all(match.kind is StoryKind.EXACT for match in second)
    assert [m.story_id for m in first] == [m.story_id for m in second]
    assert index.export_state() == state


def test_the_state_survives_a_json_round_trip_and_resumes(seeds, tmp_path):
    keys = sorted(seeds)
    index = StoryIndex()
    for key in keys[:4]:  # interrupted before 004
        index.add(seeds[key])
    saved = json.loads(json.dumps(index.export_state()))
    resumed = StoryIndex.from_state(saved)
    assert resumed.entries() == index.entries()
    assert resumed.add(seeds["004"]).story_id == index.story_of(seeds["001"].content_hash)
    # Or one entry (a row) per distinct text, as a store keeps them:
    rows = [entry.to_dict() for entry in index.entries()]
    rebuilt = StoryIndex.from_entries(StoryEntry.from_dict(row) for row in rows)
    assert rebuilt.add(seeds["004"]).kind is StoryKind.CROSS_LANGUAGE


def test_a_state_from_other_signatures_is_refused(seeds):
    index = StoryIndex()
    index.add(seeds["000"])
    state = index.export_state() | {"shingle_words": 5}
    with pytest.raises(ValueError, match=re.escape("shingle_words=5, this version uses 3")):
        StoryIndex.from_state(state)


def test_the_order_decides_which_document_names_the_story(seeds):
    index = StoryIndex()
    french = index.add(seeds["004"])
    english = index.add(seeds["001"])
    assert english.kind is StoryKind.CROSS_LANGUAGE
    assert english.story_id == french.story_id == f"story-{seeds['004'].content_hash[:16]}"


def test_match_keeps_nothing_until_the_entry_is_inserted(seeds):
    index = StoryIndex()
    index.add(seeds["001"])
    pending = index.match(seeds["004"])  # e.g. the store's transaction then fails
    assert pending.kind is StoryKind.CROSS_LANGUAGE
    assert pending.entry is not None
    assert len(index) == 1
    assert index.match(seeds["004"]) == pending
    index.insert(pending.entry)  # the write committed
    assert index.add(seeds["004"]).kind is StoryKind.EXACT
