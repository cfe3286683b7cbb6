"""Administration pages (administrators only): the audit log, and the accounts
(create a moderator, a territory manager or an administrator; unlock;
deactivate or reactivate).

Every write is one unit of work calling a ``store.accounts`` function, which
checks the permission again and records the audit entry in the same
transaction. Forms carry the CSRF token (checked app-wide by
``web.security.csrf_protect``).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Connection, Engine

from cartotech.domain.participation import Role, RoleGrant, User
from cartotech.errors import CartotechError, InputError
from cartotech.geo import Referential
from cartotech.store.accounts import (
    count_users,
    create_user,
    get_user,
    list_users,
    set_user_active,
    unlock_user,
)
from cartotech.store.audit import list_audit
from cartotech.store.engine import unit_of_work
from cartotech.store.passwords import MAX_PASSWORD_LENGTH
from cartotech.web.audit_view import AuditFiltersDep, audit_query, entry_view
from cartotech.web.auth import AdminDep
from cartotech.web.deps import ConnectionDep, Pagination, ReferentialDep
from cartotech.web.i18n import request_language, translator
from cartotech.web.pages.auth import role_views
from cartotech.web.pages.rendering import page_url, render

__all__ = ["router"]

router = APIRouter(prefix="/admin", include_in_schema=False)

#: Roles an administrator may give from the "new account" form.
CREATABLE_ROLES = (Role.MODERATOR, Role.TERRITORY_MANAGER, Role.ADMIN)
USERS_PAGE_SIZE = 50
ACTIONS = {"unlock", "deactivate", "activate"}


@router.get("", response_class=HTMLResponse)
def admin_home(request: Request, admin: AdminDep) -> HTMLResponse:
    return render(request, "admin/index.html", {"nav": "admin"})


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request, admin: AdminDep, conn: ConnectionDep, filters: AuditFiltersDep
) -> HTMLResponse:
    result = list_audit(conn, audit_query(conn, filters))
    params = filters.params()

    def link(number: int) -> str:
        return page_url("/admin/audit", {**params, "page": number if number > 1 else None})

    return render(
        request,
        "admin/audit.html",
        {
            "nav": "admin",
            "filters": filters,
            "entries": [entry_view(entry) for entry in result.items],
            "total": result.total,
            **filters.paging.pager(result.total, link),
            "api_url": page_url("/api/v1/admin/audit", {**params, "page": filters.paging.page}),
        },
    )


# --- accounts -------------------------------------------------------------------------


def _user_row(user: User, referential: Referential, now: datetime) -> dict[str, Any]:
    return {
        "user": user,
        # Only a locked account gets the Unlock button.
        "locked": user.is_locked(now),
        "roles": role_views(user, referential),
    }


def _users_page(
    request: Request,
    conn: Connection,
    referential: Referential,
    *,
    page: int = 1,
    form: dict[str, str] | None = None,
    error: str | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    paging = Pagination(page, USERS_PAGE_SIZE)
    users = list_users(conn, limit=paging.per_page, offset=paging.offset)
    now = datetime.now(UTC)
    return render(
        request,
        "admin/users.html",
        {
            "nav": "admin",
            "rows": [_user_row(user, referential, now) for user in users],
            **paging.pager(
                count_users(conn), lambda number: page_url("/admin/users", {"page": number})
            ),
            "roles": [role.value for role in CREATABLE_ROLES],
            "form": form or {"role": Role.MODERATOR.value},
            "error": error,
            "notice": notice,
        },
        status_code=status_code,
    )


def _notice(conn: Connection, done: str | None, user_id: int | None) -> dict[str, str] | None:
    if done not in {"created", *ACTIONS} or user_id is None:
        return None
    try:
        user = get_user(conn, user_id)
    except CartotechError:
        return None
    return {"key": f"admin_user_{done}", "email": user.email}


@router.get("/users", response_class=HTMLResponse)
def users_page(
    request: Request,
    admin: AdminDep,
    conn: ConnectionDep,
    referential: ReferentialDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    done: Annotated[str | None, Query(max_length=20)] = None,
    user: Annotated[int | None, Query(ge=1)] = None,
) -> HTMLResponse:
    notice = _notice(conn, done, user)
    text = None
    if notice is not None:
        text = translator(request_language(request))(notice["key"], email=notice["email"])
    return _users_page(request, conn, referential, page=page, notice=text)


_SEPARATORS = re.compile(r"[\s,;]+")


def _grants(role: str, territories: str) -> tuple[RoleGrant, ...]:
    """The grants of the "new account" form: one per territory for a manager."""
    try:
        chosen = Role(role)
    except ValueError:
        chosen = None
    if chosen not in CREATABLE_ROLES:
        allowed = ", ".join(r.value for r in CREATABLE_ROLES)
        raise InputError(f"role {role!r}: expected one of {allowed}", field="role")
    ids = [part for part in _SEPARATORS.split(territories) if part]
    if chosen is Role.TERRITORY_MANAGER:
        if not ids:
            raise InputError(
                "a territory manager needs at least one territory id, e.g. fr:epci:200054807",
                field="territories",
            )
        return tuple(RoleGrant(Role.TERRITORY_MANAGER, territory_id=tid) for tid in ids)
    if ids:
        raise InputError(
            f"territories are only for territory managers, not for the role {role}",
            field="territories",
        )
    return (RoleGrant(chosen),)


@router.post("/users", response_class=HTMLResponse)
def create_account(
    request: Request,
    admin: AdminDep,
    conn: ConnectionDep,
    referential: ReferentialDep,
    email: Annotated[str, Form(max_length=320)] = "",
    display_name: Annotated[str, Form(max_length=200)] = "",
    role: Annotated[str, Form(max_length=32)] = Role.MODERATOR.value,
    territories: Annotated[str, Form(max_length=2000)] = "",
    password: Annotated[str, Form(max_length=MAX_PASSWORD_LENGTH)] = "",
) -> Response:
    engine: Engine = request.app.state.engine
    form = {"email": email, "display_name": display_name, "role": role,
            "territories": territories}  # fmt: skip
    try:
        grants = _grants(role, territories)
        with unit_of_work(engine) as write:
            created = create_user(
                write, email, by=admin, password=password,
                display_name=display_name or None, roles=grants, referential=referential,
            )  # fmt: skip
    except CartotechError as exc:
        return _users_page(
            request, conn, referential, form=form, error=exc.message,
            status_code=exc.status_code,
        )  # fmt: skip
    return RedirectResponse(f"/admin/users?done=created&user={created.id}", status_code=303)


@router.post("/users/{user_id}/{action}")
def account_action(
    request: Request,
    admin: AdminDep,
    user_id: Annotated[int, Path(ge=1)],
    action: Annotated[str, Path(pattern="^(unlock|deactivate|activate)$")],
) -> RedirectResponse:
    engine: Engine = request.app.state.engine
    if action == "deactivate" and user_id == admin.id:
        raise InputError(
            "you cannot deactivate your own account: ask another administrator", field="user"
        )
    with unit_of_work(engine) as conn:
        if action == "unlock":
            unlock_user(conn, user_id, by=admin)
        else:
            set_user_active(conn, user_id, action == "activate", by=admin)
    return RedirectResponse(f"/admin/users?done={action}&user={user_id}", status_code=303)
