"""Support petitions: the public page (counter, organisations, consenting names), the
sign form, the email confirmation, and the CSV of signatures for the dossier.

- Signing stores a *pending* signature and emails its confirmation link; only
  confirmed signatures are counted, listed or exported (the store's rule).
- The form carries a honeypot field: filled (a bot), the request is dropped
  and answered like a real one. The store's per-IP and per-email limits
  answer 429 with the page and a ``Retry-After`` header.
- Whatever happened (new, refreshed, or already confirmed), the visitor sees
  the same "check your inbox" page: the form does not tell who signed.
- Moderators and territory managers open standalone petitions from the list.
- The CSV (``/petitions/{slug}/signatures.csv``) is for the candidacy's
  managers (moderators for a standalone petition); cells that a spreadsheet
  would run as formulas are neutralised as in the open-data exports.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Connection, Engine

from cartotech.domain.participation import Role, SignatureInput, User
from cartotech.domain.participation_errors import RateLimited
from cartotech.domain.permissions import can_moderate, has_role, require
from cartotech.errors import CartotechError, ConflictError, InputError
from cartotech.exports import csv_chunks
from cartotech.geo import Referential
from cartotech.store import unit_of_work
from cartotech.store.candidacies import get_candidacy
from cartotech.store.petitions import (
    CONFIRM_TTL,
    close_petition,
    confirm_signature,
    create_petition,
    get_petition,
    list_petitions,
    petition_signatories,
    sign_petition,
    signature_export_rows,
)
from cartotech.web.auth import OptionalUserDep, UserDep
from cartotech.web.deps import ConnectionDep, ReferentialDep
from cartotech.web.notifications import public_link, send_mail
from cartotech.web.pages.auth import client_ip
from cartotech.web.pages.candidacies import can_manage
from cartotech.web.pages.forms import (
    HONEYPOT_FIELD,
    FormError,
    confirm_page,
    form_error,
    resolve_actor,
    throttled_page,
)
from cartotech.web.pages.rendering import render

__all__ = ["may_export", "may_open", "router"]

router = APIRouter(include_in_schema=False)

Text = Annotated[str, Form(max_length=300)]
EXPORT_COLUMNS = ["number", "confirmed_on", "name", "organisation", "comment"]


def may_export(
    conn: Connection, petition: dict[str, Any], user: User | None, referential: Referential
) -> bool:
    """The candidacy's managers (and admins); moderators for a standalone petition."""
    if user is None:
        return False
    if petition["candidacy_id"] is None:
        return can_moderate(user)
    return can_manage(conn, petition["candidacy_id"], user, referential)


def may_open(user: User | None) -> bool:
    """Moderators and territory managers open standalone petitions (the store's rule)."""
    return user is not None and (can_moderate(user) or has_role(user, Role.TERRITORY_MANAGER))


def _list_page(
    request: Request, conn: Connection, user: User | None, *, form: dict[str, str] | None = None,
    error: FormError | None = None, status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    return render(
        request, "participation/petitions.html",
        {"nav": "participate", "petitions": list_petitions(conn), "may_open": may_open(user),
         "form": form or {}, "error": error},
        status_code=status_code,
    )  # fmt: skip


@router.get("/petitions", response_class=HTMLResponse)
def petitions_page(request: Request, user: OptionalUserDep, conn: ConnectionDep) -> HTMLResponse:
    return _list_page(request, conn, user)


@router.post("/petitions", response_class=HTMLResponse)
def open_petition(
    request: Request,
    user: UserDep,
    conn: ConnectionDep,
    referential: ReferentialDep,
    title: Text = "",
    description: Annotated[str, Form(max_length=6000)] = "",
    slug: Annotated[str, Form(max_length=120)] = "",
) -> Response:
    """A standalone petition (a candidacy's own is opened from the candidacy's page)."""
    form = {"title": title, "description": description, "slug": slug}
    engine: Engine = request.app.state.engine
    try:
        with unit_of_work(engine) as write:
            petition_id = create_petition(
                write, title=title, description=description or None, slug=slug or None,
                by=user, referential=referential,
            )  # fmt: skip
    except (InputError, ConflictError) as exc:
        return _list_page(request, conn, user, form=form, error=form_error(exc),
                          status_code=exc.status_code)  # fmt: skip
    return RedirectResponse(f"/petitions/{get_petition(conn, petition_id)['slug']}", 303)


def _petition_page(
    request: Request,
    conn: Connection,
    referential: Referential,
    user: User | None,
    slug: str,
    *,
    form: dict[str, Any] | None = None,
    error: FormError | None = None,
    confirmed: bool = False,
    status_code: int = 200,
) -> HTMLResponse:
    petition = get_petition(conn, slug)
    candidacy = get_candidacy(conn, petition["candidacy_id"]) if petition["candidacy_id"] else None
    return render(
        request,
        "participation/petition.html",
        {
            "nav": "participate",
            "petition": petition,
            "candidacy": candidacy,
            "signatories": petition_signatories(conn, petition["id"]),
            "form": form or {},
            "error": error,
            "confirmed": confirmed,
            "honeypot": HONEYPOT_FIELD,
            "can_export": may_export(conn, petition, user, referential),
        },
        status_code=status_code,
    )


@router.get("/petitions/{slug}", response_class=HTMLResponse)
def petition_page(
    request: Request,
    user: OptionalUserDep,
    conn: ConnectionDep,
    referential: ReferentialDep,
    slug: str,
    confirmed: bool = False,
) -> HTMLResponse:
    return _petition_page(request, conn, referential, user, slug, confirmed=confirmed)


def _sent(request: Request, petition: dict[str, Any]) -> HTMLResponse:
    return render(
        request,
        "participation/sent.html",
        {
            "nav": "participate",
            "kind": "signature",
            "hours": int(CONFIRM_TTL.total_seconds() // 3600),
            "back_url": f"/petitions/{petition['slug']}",
            "back_label": petition["title"],
        },
    )


@router.post("/petitions/{slug}/sign", response_class=HTMLResponse)
def sign(
    request: Request,
    user: OptionalUserDep,
    conn: ConnectionDep,
    referential: ReferentialDep,
    slug: str,
    name: Text = "",
    email: Text = "",
    organisation: Text = "",
    organisation_actor_id: Annotated[str, Form(max_length=20)] = "",
    comment: Annotated[str, Form(max_length=2100)] = "",
    show_name: Annotated[str, Form(max_length=5)] = "",
    website_url: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    petition = get_petition(conn, slug)
    if website_url:  # the honeypot: a bot. Same page as for a person, nothing written.
        return _sent(request, petition)
    form = {"name": name, "email": email, "organisation": organisation,
            "organisation_actor_id": organisation_actor_id, "comment": comment,
            "show_name": show_name}  # fmt: skip
    engine: Engine = request.app.state.engine
    try:
        signature = SignatureInput(
            name=name, email=email, comment=comment or None, show_name=bool(show_name),
            organisation_actor_id=resolve_actor(
                conn, referential, organisation_actor_id, organisation, field="organisation"
            ),
        )  # fmt: skip
        with unit_of_work(engine) as write:
            receipt = sign_petition(write, petition["id"], signature, ip=client_ip(request))
        if receipt.token is not None:
            link = public_link(request, "/signatures/confirm", token=receipt.token)
            days = int(CONFIRM_TTL.total_seconds() // 86400)
            send_mail(request, email.strip(), "signature", title=petition["title"], link=link,
                      days=days)  # fmt: skip
    except RateLimited as exc:
        return throttled_page(
            request, exc, "sign_throttled",
            lambda message, status: _petition_page(
                request, conn, referential, user, slug, form=form,
                error=FormError(message, None, status), status_code=status,
            ),
        )  # fmt: skip
    except CartotechError as exc:
        return _petition_page(request, conn, referential, user, slug, form=form,
                              error=form_error(exc), status_code=exc.status_code)  # fmt: skip
    return _sent(request, petition)


@router.post("/petitions/{slug}/close")
def close(
    request: Request,
    user: UserDep,
    conn: ConnectionDep,
    referential: ReferentialDep,
    slug: Annotated[str, Path(max_length=80)],
) -> RedirectResponse:
    """Its candidacy's managers (moderators, for a standalone petition) close it: it
    takes no more signatures; the store checks who may (403) and that it is open (409)."""
    petition = get_petition(conn, slug)
    engine: Engine = request.app.state.engine
    with unit_of_work(engine) as unit:
        close_petition(unit, petition["id"], by=user, referential=referential)
    return RedirectResponse(f"/petitions/{petition['slug']}", status_code=303)


@router.get("/signatures/confirm", response_class=HTMLResponse)
def confirm_form(
    request: Request, token: Annotated[str, Query(max_length=200)] = ""
) -> HTMLResponse:
    return confirm_page(request, token, action="/signatures/confirm", what="signature")


@router.post("/signatures/confirm")
def confirm_submit(
    request: Request, conn: ConnectionDep, token: Annotated[str, Form(max_length=200)] = ""
) -> RedirectResponse:
    engine: Engine = request.app.state.engine
    with unit_of_work(engine) as write:
        petition_id, _ = confirm_signature(write, token)
    slug = get_petition(conn, petition_id)["slug"]
    return RedirectResponse(f"/petitions/{slug}?confirmed=true", status_code=303)


@router.get("/petitions/{slug}/signatures.csv")
def export_signatures(
    user: UserDep, conn: ConnectionDep, referential: ReferentialDep, slug: str
) -> Response:
    petition = get_petition(conn, slug)
    require(
        may_export(conn, petition, user, referential),
        "the signatures' file is for the candidacy's managers (moderators for a standalone "
        "petition)",
    )
    rows = signature_export_rows(conn, petition["id"])
    return Response(
        "".join(csv_chunks(rows, EXPORT_COLUMNS)),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="signatures-{petition["slug"]}.csv"',
            "Cache-Control": "no-store",
        },
    )
