"""Logging in and out, and the account page (who am I, change my password).

Logins go through :func:`cartotech.store.logins.authenticate`, which counts
failures, locks an account after repeated ones and limits attempts per IP
address. The page says the same thing for an unknown email and a wrong
password; only a locked account or a throttled address get their own message.

Logging out ends every session of the account (other browsers and any copy of
the cookie too); changing the password ends the others and renews this one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Engine

from cartotech.domain.participation import Role, RoleGrant, User
from cartotech.domain.participation_errors import (
    AccountLocked,
    AuthenticationFailed,
    RateLimited,
)
from cartotech.errors import InputError
from cartotech.geo import Referential
from cartotech.store.accounts import set_password
from cartotech.store.engine import unit_of_work
from cartotech.store.logins import LoginPolicy, authenticate, log_out
from cartotech.store.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from cartotech.web.auth import OptionalUserDep, UserDep, safe_next
from cartotech.web.deps import ReferentialDep
from cartotech.web.i18n import request_language, translator
from cartotech.web.pages.forms import throttled_page
from cartotech.web.pages.rendering import render
from cartotech.web.sessions import get_session

__all__ = ["client_ip", "role_views", "router"]

router = APIRouter(include_in_schema=False)

EmailField = Annotated[str, Form(max_length=320)]
PasswordField = Annotated[str, Form(max_length=MAX_PASSWORD_LENGTH)]


def client_ip(request: Request) -> str | None:
    """The client's address (uvicorn puts the proxy's X-Forwarded-For here when the
    proxy is trusted: ``--forwarded-allow-ips``)."""
    return request.client.host if request.client else None


def _policy(request: Request) -> LoginPolicy:
    policy: LoginPolicy = request.app.state.login_policy
    return policy


def _login_page(
    request: Request, *, next_url: str, email: str = "", error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    return render(
        request,
        "login.html",
        {"nav": "login", "next": next_url, "email": email, "error": error},
        status_code=status_code,
    )


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request,
    user: OptionalUserDep,
    next: Annotated[str, Query(max_length=2000)] = "/",
) -> Response:
    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, next_url=safe_next(next))


def _locked_message(exc: AccountLocked, lang: str) -> str:
    until: datetime = exc.locked_until
    return translator(lang)("login_locked", until=f"{until:%Y-%m-%d %H:%M}")


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    email: EmailField = "",
    password: PasswordField = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    engine: Engine = request.app.state.engine
    lang = request_language(request)
    t = translator(lang)
    target = safe_next(next)
    try:
        user = authenticate(engine, email, password, ip=client_ip(request), policy=_policy(request))
    except AuthenticationFailed:
        return _login_page(
            request, next_url=target, email=email, error=t("login_failed"), status_code=401
        )
    except AccountLocked as exc:
        return _login_page(
            request, next_url=target, email=email, error=_locked_message(exc, lang),
            status_code=429,
        )  # fmt: skip
    except RateLimited as exc:
        return throttled_page(
            request, exc, "login_throttled",
            lambda message, status: _login_page(
                request, next_url=target, email=email, error=message, status_code=status
            ),
        )  # fmt: skip
    get_session(request).log_in(user.id, user.session_epoch)
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
def logout(request: Request, user: OptionalUserDep) -> RedirectResponse:
    if user is not None:
        engine: Engine = request.app.state.engine
        with unit_of_work(engine) as conn:
            log_out(conn, user.id)
    get_session(request).log_out()
    return RedirectResponse("/", status_code=303)


def _scope(grant: RoleGrant, referential: Referential) -> dict[str, str] | None:
    if grant.role is Role.TERRITORY_MANAGER and grant.territory_id:
        known = referential.exists(grant.territory_id)
        name = referential.get(grant.territory_id).name if known else grant.territory_id
        return {"href": f"/territories/{grant.territory_id}", "label": name}
    if grant.role is Role.ACTOR_OWNER and grant.actor_id is not None:
        return {"href": f"/actors/{grant.actor_id}", "label": f"#{grant.actor_id}"}
    return None


def role_views(user: User, referential: Referential) -> list[dict[str, Any]]:
    """The user's roles as the account and admin pages show them, each with the
    territory or organisation it applies to (a link), if any."""
    return [{"role": g.role.value, "scope": _scope(g, referential)} for g in user.roles]


def _account_page(
    request: Request, user: User, referential: ReferentialDep, *, error: str | None = None,
    changed: bool = False, status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    return render(
        request,
        "account.html",
        {
            "nav": "account",
            "user": user,
            "roles": role_views(user, referential),
            "error": error,
            "changed": changed,
            "min_length": MIN_PASSWORD_LENGTH,
        },
        status_code=status_code,
    )


@router.get("/account", response_class=HTMLResponse)
def account(
    request: Request, user: UserDep, referential: ReferentialDep, changed: bool = False
) -> HTMLResponse:
    return _account_page(request, user, referential, changed=changed)


@router.post("/account/password", response_class=HTMLResponse)
def change_password(
    request: Request,
    user: UserDep,
    referential: ReferentialDep,
    current_password: PasswordField = "",
    new_password: PasswordField = "",
    confirm_password: PasswordField = "",
) -> Response:
    t = translator(request_language(request))
    engine: Engine = request.app.state.engine
    if new_password != confirm_password:
        return _account_page(
            request, user, referential, error=t("password_mismatch"), status_code=422
        )
    if len(new_password) < MIN_PASSWORD_LENGTH:
        error = t("password_too_short", n=MIN_PASSWORD_LENGTH)
        return _account_page(request, user, referential, error=error, status_code=422)
    try:
        # The current password is checked like a login: failures count towards the lockout.
        authenticate(
            engine, user.email, current_password, ip=client_ip(request), policy=_policy(request)
        )
    except AuthenticationFailed:
        return _account_page(
            request, user, referential, error=t("current_password_wrong"), status_code=401
        )
    except AccountLocked as exc:
        message = _locked_message(exc, request_language(request))
        return _account_page(request, user, referential, error=message, status_code=429)
    try:
        with unit_of_work(engine) as conn:
            changed = set_password(conn, user.id, new_password, by=user)
    except InputError as exc:
        return _account_page(request, user, referential, error=exc.message, status_code=422)
    # The new password ended every session of the account: this one starts again.
    get_session(request).log_in(changed.id, changed.session_epoch)
    return RedirectResponse("/account?changed=true", status_code=303)
