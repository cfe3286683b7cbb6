"""Actor owners: the invitation link that sets their password, and their proposed
edits of the actors they own (moderated like every submission).

``/invitation?token=`` is the link of the email a new owner gets when a
moderator accepts their organisation or claim (their account has no password
yet); setting the password logs them in. ``/actors/{id}/edit`` is for the
actor's owners, the managers of its territory and moderators: anyone else
gets 403, and the store checks again when the edit is filed. The form shows
the actor's SIREN and its first SIRET; changing either proposes both (checked
together: check digits, a SIRET within its SIREN) with the ones shown, and a
moderator's acceptance puts each new one in the place of the one shown (the
actor's other SIRETs, its other establishments, stay).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Connection, Engine

from cartotech.domain import ActorType
from cartotech.domain.participation import ActorEdit, User
from cartotech.errors import CartotechError, InputError
from cartotech.geo import Referential
from cartotech.store import get_actor, unit_of_work
from cartotech.store.actors import identifiers_of
from cartotech.store.logins import set_password_with_token
from cartotech.store.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from cartotech.store.submissions import propose_actor_edit
from cartotech.web.auth import UserDep, require_actor_editor
from cartotech.web.deps import ConnectionDep, ReferentialDep
from cartotech.web.i18n import request_language, translator
from cartotech.web.pages.forms import (
    ActorFieldsDep,
    form_error,
    known_sectors,
    place_label,
    resolve_place,
)
from cartotech.web.pages.present import TYPES
from cartotech.web.pages.rendering import render
from cartotech.web.sessions import get_session

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

Password = Annotated[str, Form(max_length=MAX_PASSWORD_LENGTH)]


def _invitation_page(
    request: Request, token: str, *, error: Any = None, status_code: int = 200
) -> HTMLResponse:
    return render(
        request,
        "participation/invitation.html",
        {"nav": "account", "token": token, "error": error, "min_length": MIN_PASSWORD_LENGTH},
        status_code=status_code,
    )


@router.get("/invitation", response_class=HTMLResponse)
def invitation_form(
    request: Request, token: Annotated[str, Query(max_length=200)] = ""
) -> HTMLResponse:
    return _invitation_page(request, token)


@router.post("/invitation", response_class=HTMLResponse)
def invitation_submit(
    request: Request,
    token: Annotated[str, Form(max_length=200)] = "",
    new_password: Password = "",
    confirm_password: Password = "",
) -> Response:
    t = translator(request_language(request))
    if new_password != confirm_password:
        error = form_error(InputError(t("password_mismatch"), field="new_password"))
        return _invitation_page(request, token, error=error, status_code=422)
    engine: Engine = request.app.state.engine
    try:
        with unit_of_work(engine) as conn:
            user = set_password_with_token(conn, token, new_password)
    except CartotechError as exc:
        return _invitation_page(request, token, error=form_error(exc), status_code=exc.status_code)
    get_session(request).log_in(user.id, user.session_epoch)
    target = f"/actors/{user.actor_ids[0]}" if user.actor_ids else "/account"
    return RedirectResponse(target, status_code=303)


# --- owners' edits -------------------------------------------------------------------


def _editor(user: User, actor: dict[str, Any], referential: Referential) -> None:
    require_actor_editor(
        user, actor["id"], actor_territory_id=actor["territory_id"], referential=referential
    )


def _edit_page(
    request: Request, actor: dict[str, Any], form: dict[str, Any], *, error: Any = None,
    status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    return render(
        request,
        "participation/edit.html",
        {
            "nav": "directory",
            "actor": actor,
            "form": form,
            "types": TYPES,
            # The actor's own sectors stay offered, named or not.
            "sectors": sorted({*known_sectors(), *actor["sectors"]}),
            "error": error,
        },  # fmt: skip
        status_code=status_code,
    )


def _current(conn: Connection, actor: dict[str, Any], referential: Referential) -> dict[str, Any]:
    """The edit form's values for the actor as it is (its SIREN, its first SIRET)."""
    identifiers = identifiers_of(conn, [actor["id"]]).get(actor["id"], {})
    return {
        "name": actor["name"], "type": actor["type"], "sectors": actor["sectors"],
        "territory_id": actor["territory_id"] or "",
        "commune": place_label(actor["territory_id"], referential),
        "website": actor["website"] or "", "description_fr": actor["description_fr"] or "",
        "description_en": actor["description_en"] or "",
        "siren": (identifiers.get("siren") or [""])[0],
        "siret": (identifiers.get("siret") or [""])[0],
    }  # fmt: skip


@router.get("/actors/{actor_id}/edit", response_class=HTMLResponse)
def edit_form(
    request: Request,
    user: UserDep,
    conn: ConnectionDep,
    referential: ReferentialDep,
    actor_id: Annotated[int, Path(ge=1)],
) -> HTMLResponse:
    actor = get_actor(conn, actor_id)
    _editor(user, actor, referential)
    return _edit_page(request, actor, _current(conn, actor, referential))


def _changed(before: Any, after: Any) -> Any:
    """``after`` when it differs from ``before`` (None: unchanged, as ActorEdit reads it)."""
    return None if after == before else after


def _identifiers(before: dict[str, Any], siren: str, siret: str) -> dict[str, str | None]:
    """The SIREN and SIRET to propose, as ActorEdit fields: both as typed when either
    changed (the store checks them together), with the ones the form showed, which they
    replace (the actor's other SIRETs stay); none otherwise."""
    typed = (siren.strip(), siret.strip())
    if typed == (before["siren"], before["siret"]):
        return {}
    if before["siren"] and typed == ("", ""):
        raise InputError(
            "siren: the SIREN of a profile can be corrected but not removed; type the right "
            "9 digits (the company's Kbis or annuaire-entreprises.data.gouv.fr has them)",
            field="siren",
        )
    return {
        "siren": typed[0] or None, "siret": typed[1] or None,
        "replaces_siren": before["siren"] or None, "replaces_siret": before["siret"] or None,
    }  # fmt: skip


@router.post("/actors/{actor_id}/edit", response_class=HTMLResponse)
def edit_submit(
    request: Request,
    user: UserDep,
    conn: ConnectionDep,
    referential: ReferentialDep,
    actor_id: Annotated[int, Path(ge=1)],
    fields: ActorFieldsDep,
) -> Response:
    actor = get_actor(conn, actor_id)
    _editor(user, actor, referential)
    before = _current(conn, actor, referential)
    f = fields
    engine: Engine = request.app.state.engine
    try:
        if f.type not in TYPES:
            raise InputError(f"type {f.type!r}: choose one of the list", field="type")
        place = resolve_place(
            referential, f.territory_id, f.commune, field="commune", required=False
        )
        identifiers = _identifiers(before, f.siren, f.siret)
        edit = ActorEdit(
            name=_changed(before["name"], f.name.strip()),
            type=_changed(before["type"], f.type) and ActorType(f.type),
            territory_id=_changed(before["territory_id"] or None, place),
            sectors=_changed(tuple(before["sectors"]), tuple(f.sectors)),
            website=_changed(before["website"], f.website.strip()),
            description_fr=_changed(before["description_fr"], f.description_fr.strip()),
            description_en=_changed(before["description_en"], f.description_en.strip()),
            **identifiers,
        )  # fmt: skip
        with unit_of_work(engine) as write:
            propose_actor_edit(write, actor_id, edit, by=user, referential=referential)
    except CartotechError as exc:
        return _edit_page(
            request, actor, f.as_form(), error=form_error(exc), status_code=exc.status_code
        )
    return RedirectResponse(f"/actors/{actor_id}?edit=sent", status_code=303)
