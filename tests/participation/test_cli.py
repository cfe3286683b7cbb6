"""`cartotech users create-admin` and `cartotech petitions forget EMAIL` on both stores."""

from __future__ import annotations

from sqlalchemy import Engine
from typer.testing import CliRunner

from cartotech.cli import app
from cartotech.domain.participation import Role, SignatureInput
from cartotech.geo import Referential
from cartotech.store import unit_of_work
from cartotech.store.accounts import find_user_by_email
from cartotech.store.logins import authenticate
from cartotech.store.petitions import (
    confirm_signature,
    create_petition,
    petition_count,
    petition_signatories,
    sign_petition,
)
from tests.participation.conftest import NOW

runner = CliRunner()


def test_create_admin_from_stdin_then_log_in(
    directory_engine: Engine, loaded_store_url: str
) -> None:
    result = runner.invoke(
        app,
        [
            "users",
            "create-admin",
            "--email",
            "Root@Example.org",
            "--password-stdin",
            "--db",
            loaded_store_url,
        ],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created administrator root@example.org" in result.stdout
    user = authenticate(directory_engine, "root@example.org", "a long enough password", now=NOW)
    assert [g.role for g in user.roles] == [Role.ADMIN]
    again = runner.invoke(
        app,
        [
            "users",
            "create-admin",
            "--email",
            "root@example.org",
            "--password-stdin",
            "--db",
            loaded_store_url,
        ],
        input="another long password\n",
    )
    assert again.exit_code == 0, again.output
    assert "Promoted" in again.stdout


def test_create_admin_refuses_a_weak_password(loaded_store_url: str) -> None:
    result = runner.invoke(
        app,
        [
            "users",
            "create-admin",
            "--email",
            "root@example.org",
            "--password-stdin",
            "--db",
            loaded_store_url,
        ],
        input="short\n",
    )
    assert result.exit_code == 1
    assert "password too short" in result.stderr


def test_forget_keeps_the_count(
    directory_engine: Engine, loaded_store_url: str, referential: Referential, moderator
) -> None:
    with unit_of_work(directory_engine) as conn:
        petition = create_petition(
            conn, title="Test", by=moderator, referential=referential, now=NOW
        )
        receipt = sign_petition(
            conn,
            petition,
            SignatureInput(name="Ada", email="ada@example.org", show_name=True),
            ip=None,
            now=NOW,
        )
        confirm_signature(conn, receipt.token or "", now=NOW)
    result = runner.invoke(
        app, ["petitions", "forget", "ADA@example.org", "--db", loaded_store_url]
    )
    assert result.exit_code == 0, result.output
    assert "1 confirmed signature(s) anonymised" in result.stdout
    with directory_engine.connect() as conn:
        assert petition_count(conn, petition) == 1
        assert petition_signatories(conn, petition).names == []
        assert find_user_by_email(conn, "ada@example.org") is None
    bad = runner.invoke(app, ["petitions", "forget", "not-an-email", "--db", loaded_store_url])
    assert bad.exit_code == 1
    assert "not an email address" in bad.stderr
