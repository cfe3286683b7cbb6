from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from cartotech.domain import DirectoryBundle, FactKind, FactRecord, Unit
from cartotech.errors import InputError, MalformedFile, ProvenanceMissing
from cartotech.geo import get_referential
from cartotech.operations import curated_directory_path, import_file
from cartotech.store import actor_id_by_key, get_actor, import_directory, unit_of_work
from cartotech.store.schema import metadata


def _row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in metadata.tables.items()
        }


def _snapshot(engine: Engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {
            name: sorted(tuple(map(str, row)) for row in conn.execute(select(table)))
            for name, table in metadata.tables.items()
        }


def test_curated_directory_imports_every_section(engine: Engine) -> None:
    report = import_file(engine, curated_directory_path()).as_dict()
    assert report["actors"]["created"] >= 50
    assert report["facts"]["created"] >= 20
    assert report["awards"]["created"] >= 26  # 13 Métropoles and 13 Capitales at least
    counts = _row_counts(engine)
    assert counts["territories"] > 36_000


def test_importing_twice_changes_nothing(engine: Engine) -> None:
    import_file(engine, curated_directory_path())
    before = _snapshot(engine)
    report = import_file(engine, curated_directory_path())
    assert not report.changed, report.as_dict()
    assert _snapshot(engine) == before


def test_euratechnologies_is_placed_in_lille_with_sourced_facts(engine: Engine) -> None:
    import_file(engine, curated_directory_path())
    with engine.connect() as conn:
        actor = get_actor(conn, actor_id_by_key(conn, "euratechnologies"))
    assert actor["territory_id"] == "fr:commune:59350"
    assert actor["departement_code"] == "59"
    assert actor["region_code"] == "32"
    assert actor["lat"] == pytest.approx(50.63, abs=0.1)
    surface = [f for f in actor["facts"] if f["kind"] == "surface"]
    assert surface[0]["value"] == 80000
    assert surface[0]["source"]["file_name"].startswith("000_")


def test_fact_citing_an_unknown_source_is_refused_and_nothing_is_written(engine: Engine) -> None:
    import_file(engine, curated_directory_path())
    before = _row_counts(engine)
    bundle = DirectoryBundle(
        facts=[
            FactRecord(kind=FactKind.JOBS, value=10, unit=Unit.COUNT, source_key="seed-000",
                       territory_id="fr:region:93"),
            FactRecord(kind=FactKind.JOBS, value=20, unit=Unit.COUNT, source_key="nowhere",
                       territory_id="fr:region:93"),
        ]
    )  # fmt: skip
    with pytest.raises(ProvenanceMissing, match="nowhere"), unit_of_work(engine) as conn:
        import_directory(conn, bundle, get_referential())
    assert _row_counts(engine) == before


def test_import_file_failing_validation_writes_nothing(engine: Engine, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "version: 1\nsources:\n  - {key: s, kind: curated, title: S}\nactors:\n"
        "  - {key: a, name: A, type: startup, source: s, territory: fr:commune:99999}\n",
        encoding="utf-8",
    )
    with pytest.raises(MalformedFile, match=r"line 5, field actors\[0\]\.territory"):
        import_file(engine, bad)
    counts = _row_counts(engine)
    assert counts["actors"] == 0
    assert counts["sources"] == 0


def test_store_refuses_an_actor_on_an_unknown_territory(engine: Engine) -> None:
    from cartotech.domain import ActorRecord, ActorType
    from tests.fixtures import TEST_SOURCE

    bundle = DirectoryBundle(
        sources=[TEST_SOURCE],
        actors=[ActorRecord(key="x", name="X", type=ActorType.STARTUP, source_key="test-source",
                            territory_id="fr:commune:00000")],
    )  # fmt: skip
    with pytest.raises(InputError, match="unknown territory"), unit_of_work(engine) as conn:
        import_directory(conn, bundle, get_referential())
    assert _row_counts(engine)["sources"] == 0


def test_a_later_file_may_cite_an_actor_already_in_the_store(engine: Engine) -> None:
    import_file(engine, curated_directory_path())
    with engine.connect() as conn:
        actor_id = actor_id_by_key(conn, "euratechnologies")
    assert actor_id is not None
    bundle = DirectoryBundle(
        facts=[FactRecord(kind=FactKind.EMPLOYEES, value=42, unit=Unit.COUNT,
                          source_key="seed-000", actor_key="euratechnologies", as_of="2031-01-01")]
    )  # fmt: skip
    with unit_of_work(engine) as conn:
        import_directory(conn, bundle, get_referential())
    with engine.connect() as conn:
        facts = get_actor(conn, actor_id)["facts"]
    assert any(f["value"] == 42 for f in facts)


def test_an_import_is_audited_once_and_a_reimport_not_at_all(engine: Engine) -> None:
    from cartotech.store.audit import AuditQuery, list_audit

    report = import_file(engine, curated_directory_path())
    created = report.as_dict()["actors"]["created"]
    with engine.connect() as conn:
        actors = list_audit(conn, AuditQuery(action="actor.create", limit=500))
        imports = list_audit(conn, AuditQuery(action="directory.import", who="import"))
    assert actors.total == created > 0
    assert imports.total == 1
    import_file(engine, curated_directory_path())
    with engine.connect() as conn:
        assert list_audit(conn, AuditQuery(action="directory.")).total == 1
