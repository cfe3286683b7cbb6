from __future__ import annotations

from pathlib import Path

import pytest

from cartotech.errors import ConfigurationError
from cartotech.settings import Environment, get_settings
from cartotech.web import create_app


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARTOTECH_PAGE_SIZE", "7")
    assert get_settings().page_size == 7


def test_production_refuses_the_development_secret() -> None:
    with pytest.raises(ConfigurationError, match="CARTOTECH_SECRET_KEY must be set"):
        get_settings(environment=Environment.PRODUCTION)
    assert get_settings(environment=Environment.PRODUCTION, secret_key="s3cret").secret_key


def test_serving_a_missing_database_says_how_to_create_it(tmp_path: Path) -> None:
    missing = tmp_path / "nope.db"
    with pytest.raises(ConfigurationError, match="cartotech init --db"):
        create_app(get_settings(database_url=f"sqlite:///{missing}"))
    assert not missing.exists()


def test_serving_an_empty_database_says_to_init(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    with pytest.raises(ConfigurationError, match="no cartotech tables"):
        create_app(get_settings(database_url=f"sqlite:///{empty}"))
