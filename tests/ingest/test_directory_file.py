"""Bad directory files: each is a clear error naming file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from cartotech.errors import InputError, InputTooLarge, MalformedFile, UnsupportedEncoding
from cartotech.geo import get_referential
from cartotech.ingest import load_directory_file, parse_directory_text

HEADER = "version: 1\nsources:\n  - {key: s1, kind: curated, title: Test}\nactors:\n"


def _load(text: str, name: str = "dir.yaml"):
    return parse_directory_text(text, name, referential=get_referential())


def test_a_valid_file_gives_records() -> None:
    bundle = _load(
        HEADER
        + "  - key: acme\n    name: Acme\n    type: startup\n    source: s1\n"
        + "    territory: fr:commune:59350\n    aliases: [ACME]\n"
        + "    facts:\n"
        + "      - {kind: employees, value: 12, unit: count, as_of: '2019', source: s1}\n"
    )
    assert bundle.actors[0].aliases == ("ACME",)
    assert bundle.facts[0].actor_key == "acme"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("  - {key: a, name: A, type: robot, source: s1}\n",
         r"dir.yaml, line 5, field actors\[0\]\.type: Input should be 'startup'"),
        ("  - {key: a, name: A, type: startup, source: s1, territory: fr:commune:99999}\n",
         r"line 5, field actors\[0\]\.territory: unknown territory 'fr:commune:99999'"),
        ("  - {key: a, name: A, type: startup, source: nope}\n",
         r"line 5, field actors\[0\]\.source: unknown source 'nope'"),
        ("  - {key: a, name: A, type: startup, source: s1}\n"
         "  - {key: a, name: B, type: startup, source: s1}\n",
         r"line 6, field actors\[1\]\.key: duplicate key 'a'"),
        ("  - key: a\n    name: A\n    type: startup\n    source: s1\n    facts:\n"
         "      - {kind: jobs, value: 3, unit: count}\n",
         r"line 10, field actors\[0\]\.facts\[0\]\.source: Field required"),
        ("  - key: a\n    name: A\n    type: startup\n    source: s1\n    facts:\n"
         "      - {kind: jobs, value: 3, unit: count, source: s1, as_of: 2019-13}\n",
         r"facts\[0\]\.as_of: '2019-13' is not a real date"),
        ("  - {key: A B, name: A, type: startup, source: s1}\n",
         r"field actors\[0\]\.key: String should match pattern"),
        ("  - {key: a, name: A, type: startup, source: s1, colour: red}\n",
         r"field actors\[0\]\.colour: Extra inputs are not permitted"),
        ("  - key: a\n    name: A\n    type: startup\n    source: s1\n    relations:\n"
         "      - {predicate: located_in, object: b, source: s1}\n",
         r"relations\[0\]\.predicate: 'located_in' is not written as a relation"),
    ],
)  # fmt: skip
def test_invalid_content_is_reported_with_line_and_field(body: str, message: str) -> None:
    with pytest.raises(MalformedFile, match=message):
        _load(HEADER + body)


def test_yaml_syntax_error_names_the_line() -> None:
    with pytest.raises(
        MalformedFile, match=r"dir.yaml, line 4: invalid YAML: .*flow sequence started at line 3"
    ):
        _load("version: 1\nactors:\n  - {key: a, name: [unclosed\n")


def test_duplicate_yaml_keys_are_refused() -> None:
    with pytest.raises(MalformedFile, match="duplicate key 'name'"):
        _load(HEADER + "  - key: a\n    name: A\n    name: B\n    type: startup\n    source: s1\n")


def test_not_a_mapping() -> None:
    with pytest.raises(MalformedFile, match="expected a mapping"):
        _load("- just\n- a list\n")


def test_yaml_tags_cannot_run_code() -> None:
    with pytest.raises(MalformedFile):
        _load("version: 1\nactors: !!python/object/apply:os.system ['true']\n")


def test_wrong_encoding(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(
        (HEADER + "  - {key: a, name: Société, type: startup, source: s1}\n").encode("latin-1")
    )
    with pytest.raises(
        UnsupportedEncoding, match=r"latin1.yaml, line 5: byte 0xe9 .* is not UTF-8"
    ):
        load_directory_file(path)


def test_huge_file(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text(HEADER + "#" * 2_000_000, encoding="utf-8")
    with pytest.raises(InputTooLarge, match="over the limit of 1,000,000 bytes"):
        load_directory_file(path, max_bytes=1_000_000)


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "zip.yaml"
    path.write_bytes(b"PK\x03\x04\x00\x00\x00" * 10)
    with pytest.raises(MalformedFile, match="binary"):
        load_directory_file(path)


def test_unsupported_extension(tmp_path: Path) -> None:
    path = tmp_path / "dir.xlsx"
    path.write_bytes(b"x")
    with pytest.raises(InputError, match="expected .yaml, .yml or .csv"):
        load_directory_file(path)


def test_csv_actors(tmp_path: Path) -> None:
    path = tmp_path / "actors.csv"
    path.write_text(
        "key,name,type,source,aliases,sectors,territory\n"
        "acme,Acme,startup,s1,ACME|Acme SAS,ai|fintech,fr:commune:59350\n",
        encoding="utf-8",
    )
    bundle = load_directory_file(path, referential=get_referential(), known_sources={"s1"})
    assert bundle.actors[0].aliases == ("ACME", "Acme SAS")
    assert bundle.actors[0].sectors == ("ai", "fintech")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("key,name\nacme,Acme\n",
         r"line 1: header must have key, name, type, source.*missing type"),
        ("key,name,type,source\nacme,Acme,startup,s1\nbad,Bad,robot,s1\n",
         r"actors.csv, line 3, field actors\[1\]\.type"),
        ("key,name,type,source\nacme,Acme,startup,s1,extra\n", "line 2: more cells than header"),
    ],
)  # fmt: skip
def test_csv_errors_name_the_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "actors.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(MalformedFile, match=message):
        load_directory_file(path, referential=get_referential(), known_sources={"s1"})


def test_the_curated_directory_is_valid() -> None:
    from cartotech.operations import curated_directory_path

    bundle = load_directory_file(curated_directory_path(), referential=get_referential())
    assert len(bundle.actors) >= 50
    assert all(actor.source_key for actor in bundle.actors)
