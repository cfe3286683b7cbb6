"""Errors of accounts, permissions, tokens and rate limits (participation, issue #5).

They extend the one hierarchy of :mod:`cartotech.errors` (each has an HTTP
status and a stable ``code``), so the API's single exception handler and the
CLI's ``except CartotechError`` already render them. Messages never say
whether an email address has an account.
"""

from __future__ import annotations

from datetime import datetime

from cartotech.errors import CartotechError, ConflictError, InputError

__all__ = [
    "AccountLocked",
    "AuthenticationFailed",
    "InvalidState",
    "InvalidToken",
    "LoginRequired",
    "PermissionDenied",
    "RateLimited",
    "TokenExpired",
]


class AuthenticationFailed(CartotechError):
    """Wrong email or password (the message does not say which), or no usable account."""

    status_code = 401
    code = "authentication_failed"

    def __init__(self, message: str = "wrong email or password") -> None:
        super().__init__(message, field="password")


class AccountLocked(CartotechError):
    """Too many failed logins: the account refuses every login until ``locked_until``."""

    status_code = 429
    code = "account_locked"

    def __init__(self, locked_until: datetime) -> None:
        super().__init__(
            "too many failed logins: this account is locked until "
            f"{locked_until:%Y-%m-%d %H:%M} UTC; try again later or ask an administrator",
            field="password",
        )
        self.locked_until = locked_until


class LoginRequired(CartotechError):
    """Nobody is logged in, and the page or route needs a user (pages send the visitor
    to the login page and back, the API answers 401)."""

    status_code = 401
    code = "login_required"

    def __init__(self) -> None:
        super().__init__("log in to see this page", field=None)


class PermissionDenied(CartotechError):
    """The user is logged in but their roles do not allow this."""

    status_code = 403
    code = "permission_denied"


class RateLimited(CartotechError):
    """Too many attempts from one address or for one email in a time window."""

    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int, field: str | None = None) -> None:
        super().__init__(message, field=field)
        #: Seconds until an attempt is allowed again (for a ``Retry-After`` header).
        self.retry_after = retry_after


class InvalidToken(InputError):
    """A confirmation or password link whose token matches nothing (mistyped, or used)."""

    status_code = 400
    code = "invalid_token"


class TokenExpired(InvalidToken):
    """A confirmation or password link that is too old: ask for a new one."""

    status_code = 410
    code = "token_expired"


class InvalidState(ConflictError):
    """The item is not in a state that allows this step (e.g. accepting a rejected one)."""

    code = "invalid_state"
