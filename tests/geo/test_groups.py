"""Groups files: the shipped one is valid, mistakes are reported with file and group."""

from __future__ import annotations

from pathlib import Path

import pytest

from cartotech.errors import MalformedFile
from cartotech.geo import Referential, Territory, load_referential
from cartotech.geo.groups import build_groups, parse_groups

EXTRA = """
groups:
  - slug: grand-est-tech
    name: Grand Est Tech
    kind: coalition
    description: A test group mixing a group and communes.
    aliases: [GET]
    members: ["67482", group:lorntech]
"""


def test_shipped_groups(referential: Referential) -> None:
    slugs = {g.code for g in referential.all("group")}
    assert {
        "sophia-antipolis",
        "cote-d-azur",
        "brest-tech-plus",
        "normandy-french-tech",
        "lorntech",
        "in-the-alps",
        "one-lyon-saint-etienne",
        "rennes-saint-malo",
        "riviera-region-sud",
    } <= slugs
    for group in referential.all("group"):
        assert group.member_ids, group.id
        assert group.description, group.id
        assert all(referential.get(m).level == "commune" for m in group.member_ids)


@pytest.mark.parametrize(
    ("slug", "codes"),
    [
        ("brest-tech-plus", {"29019", "29151", "29232", "22113"}),
        ("normandy-french-tech", {"76540", "14118", "76351"}),
        ("lorntech", {"57463", "54395", "57672", "88160"}),
        ("in-the-alps", {"38185", "26362", "74010"}),
        ("one-lyon-saint-etienne", {"69123", "42218"}),
        ("rennes-saint-malo", {"35238", "35288"}),
        ("riviera-region-sud", {"06029", "06069"}),
    ],
)
def test_coalition_members(referential: Referential, slug: str, codes: set[str]) -> None:
    members = referential.communes_of("group:" + slug, arrondissements=False)
    assert {c.code for c in members} == codes


def test_extra_groups_file_extends_the_referential(tmp_path: Path) -> None:
    extra = tmp_path / "more-groups.yaml"
    extra.write_text(EXTRA, "utf-8")
    referential = load_referential(extra_groups=[extra])
    group = referential.get("group:grand-est-tech")
    assert group.member_ids[0] == "fr:commune:67482"  # Strasbourg, listed first
    assert "fr:commune:57463" in group.member_ids  # Metz, through LORnTECH
    assert referential.find_places("Grand Est Tech")[0].territory.id == group.id


@pytest.fixture(scope="module")
def communes(referential: Referential) -> dict[str, Territory]:
    return {c.code: c for c in referential.all("commune")}


def _error(text: str, communes: dict[str, Territory]) -> str:
    with pytest.raises(MalformedFile) as caught:
        build_groups(parse_groups(text, "extra.yaml"), communes)
    return str(caught.value)


def test_unquoted_code_is_explained(communes: dict[str, Territory]) -> None:
    message = _error("groups:\n- {slug: a, name: A, kind: k, members: [06004]}\n", communes)
    assert message.startswith("extra.yaml: ")
    assert "quote INSEE codes" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[1, 2]", "'groups' list"),
        ("groups: [: x", "not valid YAML"),
        ("groups:\n- {slug: a, name: A, kind: k}\n", "lacks members"),
        ("groups:\n- {slug: A B, name: A, kind: k, members: ['06004']}\n", "slug 'A B'"),
        (
            "groups:\n- {slug: a, name: A, kind: k, members: ['99999']}\n",
            "'99999' is not the INSEE",
        ),
        ("groups:\n- {slug: a, name: A, kind: k, members: ['group:zz']}\n", "unknown group"),
        ("groups:\n- {slug: a, name: A, kind: k, colour: red, members: ['06004']}\n", "colour"),
        (
            "groups:\n- {slug: a, name: A, kind: k, members: ['group:b']}\n"
            "- {slug: b, name: B, kind: k, members: ['group:a']}\n",
            "cycle: group:a -> group:b -> group:a",
        ),
        (
            "groups:\n- {slug: a, name: A, kind: k, members: ['06004']}\n"
            "- {slug: a, name: A, kind: k, members: ['06004']}\n",
            "already defined",
        ),
    ],
)
def test_group_file_errors(text: str, expected: str, communes: dict[str, Territory]) -> None:
    assert expected in _error(text, communes)
