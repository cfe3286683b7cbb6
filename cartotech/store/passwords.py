"""Passwords: argon2id hashes (argon2-cffi) and the rules a new password must meet."""

from __future__ import annotations

import functools

from argon2 import PasswordHasher

from cartotech.errors import InputError

__all__ = [
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "check_password",
    "dummy_hash",
    "hash_password",
    "password_hasher",
]

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # argon2 hashes anything; a megabyte password is a DoS


@functools.cache
def password_hasher() -> PasswordHasher:
    """The default hasher (argon2id, argon2-cffi's RFC 9106 low-memory parameters)."""
    return PasswordHasher()


@functools.lru_cache(maxsize=8)
def dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash("not a password: equalises the time of unknown-email logins")


def check_password(password: str, email: str | None = None) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(
            f"password too short: use at least {MIN_PASSWORD_LENGTH} characters "
            "(a few unrelated words are easy to remember)",
            field="password",
        )
    if len(password) > MAX_PASSWORD_LENGTH or "\x00" in password:
        raise InputError(
            f"password too long or with a NUL character: at most {MAX_PASSWORD_LENGTH}",
            field="password",
        )
    if email is not None and password.strip().lower() == email:
        raise InputError("password must not be the email address", field="password")
    return password


def hash_password(
    password: str, *, email: str | None = None, hasher: PasswordHasher | None = None
) -> str:
    """The argon2id hash of ``password`` once it meets the rules (:func:`check_password`)."""
    return (hasher or password_hasher()).hash(check_password(password, email))
