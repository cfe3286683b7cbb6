"""``/api/v1/admin``: the audit log for administrators.

Authenticated by the session cookie of a logged-in administrator (log in on
``/login``); 401 without a session, 403 for other roles. Same filters as the
``/admin/audit`` page.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from cartotech.store.audit import list_audit
from cartotech.web.audit_view import AuditFiltersDep, audit_query
from cartotech.web.auth import AdminDep
from cartotech.web.deps import ConnectionDep
from cartotech.web.schemas import AuditPagePublic

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])


@router.get(
    "/audit",
    summary="The audit log, newest first (administrators; session cookie)",
    response_model=AuditPagePublic,
)
def read_audit(admin: AdminDep, conn: ConnectionDep, filters: AuditFiltersDep) -> dict[str, Any]:
    result = list_audit(conn, audit_query(conn, filters))
    return {
        "items": result.items,
        "total": result.total,
        "page": filters.paging.page,
        "per_page": filters.paging.per_page,
    }
