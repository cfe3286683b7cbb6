"""Accounts: argon2 hashes, rehash on login, lockout, per-IP limit, roles and scopes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, select

from cartotech.domain.participation import Role, RoleGrant, SystemActor
from cartotech.domain.participation_errors import (
    AccountLocked,
    AuthenticationFailed,
    InvalidToken,
    PermissionDenied,
    RateLimited,
    TokenExpired,
)
from cartotech.errors import ConflictError, InputError
from cartotech.store import unit_of_work
from cartotech.store.accounts import (
    count_users,
    create_admin,
    create_user,
    get_user,
    grant_role,
    list_users,
    revoke_role,
    set_password,
    set_user_active,
    unlock_user,
)
from cartotech.store.audit import AuditQuery, list_audit
from cartotech.store.logins import (
    LoginPolicy,
    authenticate,
    issue_password_token,
    log_out,
    set_password_with_token,
)
from cartotech.store.ratelimits import RateLimit
from cartotech.store.schema import users
from tests.participation.conftest import LILLE_EPCI, NOW, PASSWORD, MakeUser


def _hash_of(engine: Engine, user_id: int) -> str:
    with engine.connect() as conn:
        return str(
            conn.execute(select(users.c.password_hash).where(users.c.id == user_id)).scalar_one()
        )


def test_password_is_stored_as_argon2id_and_email_normalised(
    directory_engine: Engine, make_user: MakeUser
) -> None:
    user = make_user("  Ada.Lovelace@Example.ORG ")
    assert user.email == "ada.lovelace@example.org"
    stored = _hash_of(directory_engine, user.id)
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_login_with_any_case_and_rehash_when_parameters_change(
    directory_engine: Engine, make_user: MakeUser, fast_hasher: PasswordHasher
) -> None:
    user = make_user("ada@example.org")
    before = _hash_of(directory_engine, user.id)
    same = authenticate(directory_engine, "ADA@example.org ", PASSWORD, now=NOW, hasher=fast_hasher)
    assert same.id == user.id
    assert _hash_of(directory_engine, user.id) == before  # parameters unchanged: kept
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    authenticate(directory_engine, "ada@example.org", PASSWORD, now=NOW, hasher=stronger)
    after = _hash_of(directory_engine, user.id)
    assert after != before
    assert "m=16,t=2,p=1" in after
    assert authenticate(directory_engine, "ada@example.org", PASSWORD, now=NOW, hasher=stronger)


def test_wrong_password_and_unknown_email_give_the_same_error(
    directory_engine: Engine, make_user: MakeUser, fast_hasher: PasswordHasher
) -> None:
    make_user("ada@example.org")
    errors = []
    for email, password in (
        ("ada@example.org", "wrong password!"),
        ("nobody@example.org", PASSWORD),
    ):
        with pytest.raises(AuthenticationFailed) as caught:
            authenticate(directory_engine, email, password, now=NOW, hasher=fast_hasher)
        errors.append((caught.value.message, caught.value.status_code))
    assert errors[0] == errors[1] == ("wrong email or password", 401)


def test_lockout_after_repeated_failures_even_with_the_right_password(
    directory_engine: Engine, make_user: MakeUser, fast_hasher: PasswordHasher
) -> None:
    user = make_user("ada@example.org")
    policy = LoginPolicy(max_failures=5, lockout=timedelta(minutes=15))
    for attempt in range(4):
        with pytest.raises(AuthenticationFailed):
            authenticate(
                directory_engine,
                user.email,
                f"guess {attempt} guess",
                now=NOW,
                hasher=fast_hasher,
                policy=policy,
            )
    with pytest.raises(AccountLocked) as locked:
        authenticate(
            directory_engine,
            user.email,
            "guess 5 guess",
            now=NOW,
            hasher=fast_hasher,
            policy=policy,
        )
    assert locked.value.locked_until == NOW + timedelta(minutes=15)
    assert locked.value.status_code == 429
    assert "locked until" in locked.value.message
    # The right password does not open a locked account...
    with pytest.raises(AccountLocked):
        authenticate(
            directory_engine,
            user.email,
            PASSWORD,
            now=NOW + timedelta(minutes=14),
            hasher=fast_hasher,
            policy=policy,
        )
    # ...until the lock ends.
    later = NOW + timedelta(minutes=16)
    assert authenticate(directory_engine, user.email, PASSWORD, now=later, hasher=fast_hasher).id
    with directory_engine.connect() as conn:
        actions = [e.action for e in list_audit(conn, AuditQuery(entity_kind="user")).items]
    assert actions.count("user.login_failed") == 5
    assert "user.lock" in actions
    assert actions[0] == "user.login"


def test_an_admin_can_unlock_before_the_end(
    directory_engine: Engine, make_user: MakeUser, admin, fast_hasher: PasswordHasher
) -> None:
    user = make_user("ada@example.org")
    policy = LoginPolicy(max_failures=2)
    for _ in range(2):
        with pytest.raises((AuthenticationFailed, AccountLocked)):
            authenticate(
                directory_engine,
                user.email,
                "not the password",
                now=NOW,
                hasher=fast_hasher,
                policy=policy,
            )
    with unit_of_work(directory_engine) as conn:
        unlock_user(conn, user.id, by=admin, now=NOW)
    assert authenticate(directory_engine, user.email, PASSWORD, now=NOW, hasher=fast_hasher)


def test_logins_are_rate_limited_per_ip_across_accounts(
    directory_engine: Engine, make_user: MakeUser, fast_hasher: PasswordHasher
) -> None:
    make_user("ada@example.org")
    policy = LoginPolicy(per_ip=RateLimit(3, timedelta(minutes=10), "login attempts"))
    for i in range(3):
        with pytest.raises(AuthenticationFailed):
            authenticate(
                directory_engine,
                f"user{i}@example.org",
                "whatever pass",
                ip="203.0.113.9",
                now=NOW,
                hasher=fast_hasher,
                policy=policy,
            )
    with pytest.raises(RateLimited) as limited:
        authenticate(
            directory_engine,
            "ada@example.org",
            PASSWORD,
            ip="203.0.113.9",
            now=NOW,
            hasher=fast_hasher,
            policy=policy,
        )
    assert limited.value.retry_after == 600
    # Another address is not affected; the window slides.
    assert authenticate(
        directory_engine,
        "ada@example.org",
        PASSWORD,
        ip="198.51.100.1",
        now=NOW,
        hasher=fast_hasher,
        policy=policy,
    )
    assert authenticate(
        directory_engine,
        "ada@example.org",
        PASSWORD,
        ip="203.0.113.9",
        now=NOW + timedelta(minutes=11),
        hasher=fast_hasher,
        policy=policy,
    )


def test_inactive_and_passwordless_accounts_cannot_log_in(
    directory_engine: Engine, make_user: MakeUser, admin, fast_hasher: PasswordHasher
) -> None:
    user = make_user("ada@example.org")
    make_user("invited@example.org", password=None)
    with unit_of_work(directory_engine) as conn:
        set_user_active(conn, user.id, False, by=admin, now=NOW)
    for email in ("ada@example.org", "invited@example.org"):
        with pytest.raises(AuthenticationFailed):
            authenticate(directory_engine, email, PASSWORD, now=NOW, hasher=fast_hasher)


def test_password_link_sets_the_password_once(
    directory_engine: Engine, make_user: MakeUser, fast_hasher: PasswordHasher
) -> None:
    user = make_user("invited@example.org", password=None)
    with unit_of_work(directory_engine) as conn:
        token = issue_password_token(conn, user.id, by=SystemActor.SYSTEM, now=NOW)
        expired = issue_password_token(
            conn, user.id, by=SystemActor.SYSTEM, now=NOW - timedelta(days=3)
        )
    with pytest.raises(TokenExpired), unit_of_work(directory_engine) as conn:
        set_password_with_token(conn, expired, "a brand new password", now=NOW, hasher=fast_hasher)
    with unit_of_work(directory_engine) as conn:
        set_password_with_token(conn, token, "a brand new password", now=NOW, hasher=fast_hasher)
    assert authenticate(
        directory_engine, user.email, "a brand new password", now=NOW, hasher=fast_hasher
    )
    with pytest.raises(InvalidToken), unit_of_work(directory_engine) as conn:
        set_password_with_token(conn, token, "another new password", now=NOW, hasher=fast_hasher)
    with directory_engine.connect() as conn:
        audit = list_audit(conn, AuditQuery(entity_kind="user", entity_id=user.id)).items
    assert all(token not in str(entry.after) for entry in audit)
    assert all("argon2" not in str(entry.after) for entry in audit)


def test_weak_passwords_are_refused_with_the_rule(
    directory_engine: Engine, fast_hasher: PasswordHasher
) -> None:
    for password, words in (("short", "at least 10"), ("ada@example.org", "email")):
        with pytest.raises(InputError, match=words), unit_of_work(directory_engine) as conn:
            create_user(
                conn, "ada@example.org", by=SystemActor.CLI, password=password, hasher=fast_hasher
            )


def test_create_admin_creates_then_promotes(
    directory_engine: Engine, make_user: MakeUser, fast_hasher: PasswordHasher
) -> None:
    with unit_of_work(directory_engine) as conn:
        first, created = create_admin(
            conn, "root@example.org", "a long admin password", now=NOW, hasher=fast_hasher
        )
    assert created
    assert [g.role for g in first.roles] == [Role.ADMIN]
    existing = make_user("ada@example.org")
    with unit_of_work(directory_engine) as conn:
        promoted, created = create_admin(
            conn, "ada@example.org", "another long password", now=NOW, hasher=fast_hasher
        )
    assert not created
    assert promoted.id == existing.id
    assert Role.ADMIN in {g.role for g in promoted.roles}


def test_only_admins_grant_roles_and_scopes_are_checked(
    directory_engine: Engine, make_user: MakeUser, admin, lille_manager
) -> None:
    ada = make_user("ada@example.org")
    with pytest.raises(PermissionDenied), unit_of_work(directory_engine) as conn:
        grant_role(conn, ada.id, RoleGrant(Role.MODERATOR), by=lille_manager, now=NOW)
    with pytest.raises(InputError, match="territory"), unit_of_work(directory_engine) as conn:
        grant_role(
            conn,
            ada.id,
            RoleGrant(Role.TERRITORY_MANAGER, territory_id="fr:epci:nope"),
            by=admin,
            now=NOW,
        )
    with unit_of_work(directory_engine) as conn:
        assert grant_role(
            conn,
            ada.id,
            RoleGrant(Role.TERRITORY_MANAGER, territory_id=LILLE_EPCI),
            by=admin,
            now=NOW,
        )
        assert not grant_role(
            conn,
            ada.id,
            RoleGrant(Role.TERRITORY_MANAGER, territory_id=LILLE_EPCI),
            by=admin,
            now=NOW,
        )
    with directory_engine.connect() as conn:
        assert get_user(conn, ada.id).territory_ids == (LILLE_EPCI,)
    with unit_of_work(directory_engine) as conn:
        assert revoke_role(
            conn,
            ada.id,
            RoleGrant(Role.TERRITORY_MANAGER, territory_id=LILLE_EPCI),
            by=admin,
            now=NOW,
        )
        assert get_user(conn, ada.id).roles == ()


def test_duplicate_account_is_a_conflict(directory_engine: Engine, make_user: MakeUser) -> None:
    make_user("ada@example.org")
    with pytest.raises(ConflictError), unit_of_work(directory_engine) as conn:
        create_user(conn, "ADA@example.org", by=SystemActor.CLI)


def _epoch(engine: Engine, user_id: int) -> int:
    with engine.connect() as conn:
        return get_user(conn, user_id).session_epoch


def test_logout_new_password_and_deactivation_raise_the_session_epoch(
    directory_engine: Engine, make_user: MakeUser, admin, fast_hasher: PasswordHasher
) -> None:
    user = make_user("ada@example.org")
    assert user.session_epoch == 0
    # A login leaves it as it is (the session takes the epoch it finds).
    authenticate(directory_engine, user.email, PASSWORD, now=NOW, hasher=fast_hasher)
    assert _epoch(directory_engine, user.id) == 0
    with unit_of_work(directory_engine) as conn:
        log_out(conn, user.id, now=NOW)
    assert _epoch(directory_engine, user.id) == 1
    with unit_of_work(directory_engine) as conn:
        changed = set_password(conn, user.id, "a brand new password", by=user, now=NOW,
                               hasher=fast_hasher)  # fmt: skip
    assert changed.session_epoch == _epoch(directory_engine, user.id) == 2
    with unit_of_work(directory_engine) as conn:
        token = issue_password_token(conn, user.id, by=SystemActor.SYSTEM, now=NOW)
    with unit_of_work(directory_engine) as conn:
        reset = set_password_with_token(conn, token, "yet another password", now=NOW,
                                        hasher=fast_hasher)  # fmt: skip
    assert reset.session_epoch == _epoch(directory_engine, user.id) == 3
    with unit_of_work(directory_engine) as conn:
        set_user_active(conn, user.id, False, by=admin, now=NOW)
    assert _epoch(directory_engine, user.id) == 4
    # Reactivating does not bring the ended sessions back, nor moves the epoch again.
    with unit_of_work(directory_engine) as conn:
        set_user_active(conn, user.id, True, by=admin, now=NOW)
    assert _epoch(directory_engine, user.id) == 4
    with directory_engine.connect() as conn:
        actions = [
            e.action
            for e in list_audit(conn, AuditQuery(entity_kind="user", entity_id=user.id)).items
        ]
    assert "user.logout" in actions


def test_users_say_until_when_they_are_locked_and_are_counted(
    directory_engine: Engine, make_user: MakeUser, admin, fast_hasher: PasswordHasher
) -> None:
    ada = make_user("ada@example.org")
    make_user("bob@example.org")
    assert ada.locked_until is None
    assert not ada.is_locked(NOW)
    policy = LoginPolicy(max_failures=2, lockout=timedelta(minutes=15))
    for _ in range(2):
        with pytest.raises((AuthenticationFailed, AccountLocked)):
            authenticate(directory_engine, ada.email, "not the password", now=NOW,
                         hasher=fast_hasher, policy=policy)  # fmt: skip
    with directory_engine.connect() as conn:
        listed = {user.email: user for user in list_users(conn)}
        assert count_users(conn) == 3  # with the admin
        assert count_users(conn, role=Role.ADMIN) == 1
        assert [u.email for u in list_users(conn, limit=2, offset=2)] == ["bob@example.org"]
    locked = listed["ada@example.org"]
    assert locked.locked_until == NOW + timedelta(minutes=15)
    assert locked.is_locked(NOW + timedelta(minutes=14))
    assert not locked.is_locked(NOW + timedelta(minutes=15))
    assert not listed["bob@example.org"].is_locked(NOW)
    with unit_of_work(directory_engine) as conn:
        unlock_user(conn, ada.id, by=admin, now=NOW)
        assert get_user(conn, ada.id).locked_until is None
