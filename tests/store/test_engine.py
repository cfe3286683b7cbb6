from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from cartotech.errors import ConfigurationError
from cartotech.store import create_store_engine, is_migrated, migrate, unit_of_work
from cartotech.store.engine import _alembic_config
from cartotech.store.schema import facts, metadata, sources


def test_migrations_create_every_table(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert set(metadata.tables) <= tables


def test_migrations_downgrade_and_upgrade_again(engine: Engine) -> None:
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "base")
    assert not is_migrated(engine)
    migrate(engine)
    assert is_migrated(engine)


def test_migrate_twice_is_a_no_op(engine: Engine) -> None:
    migrate(engine)
    migrate(engine)
    assert is_migrated(engine)


def test_database_refuses_a_fact_without_source(engine: Engine) -> None:
    with pytest.raises(IntegrityError), unit_of_work(engine) as conn:
        conn.execute(
            facts.insert().values(
                territory_id="fr:region:93",
                kind="jobs",
                value=1.0,
                unit="count",
                fingerprint="x",
            )  # fmt: skip
        )


def _write_two_rows_then_fail(engine: Engine) -> None:
    with unit_of_work(engine) as conn:
        conn.execute(sources.insert().values(key="a", kind="curated", title="A"))
        conn.execute(sources.insert().values(key="b", kind="curated", title="B"))
        raise RuntimeError("failure midway")


def test_unit_of_work_rolls_back_everything_on_failure(engine: Engine) -> None:
    with pytest.raises(RuntimeError):
        _write_two_rows_then_fail(engine)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(sources)).scalar_one() == 0


def test_unknown_database_url_is_a_clear_error() -> None:
    with pytest.raises(ConfigurationError, match="cannot use database URL"):
        create_store_engine("nosuchdb://x")


def test_sqlite_enforces_foreign_keys(tmp_path) -> None:
    engine = create_store_engine(f"sqlite:///{tmp_path / 'fk.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
