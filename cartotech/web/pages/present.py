"""'Présentez votre organisation': the public form, the "is this you?" step, claims
of an existing profile, and the email link that sends a submission to moderation.

The flow::

    GET /present -> POST /present -> likely duplicates? -> "is this you?" page
        - claim one of them: POST /actors/{id}/claim (an email link, then moderation)
        - "no, it is new": POST /present again, confirmed
    present_organisation -> email with the link
    GET /present/confirm?token= -> button -> POST /present/confirm -> moderation queue

Confirmation links open a page with a button rather than confirming on GET:
mail scanners that fetch links confirm nothing. A logged-in person presenting
with their own account's email skips the link (the store knows the address).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection, Engine

from cartotech.domain import ActorType
from cartotech.domain.participation import ActorSubmission, SubmissionKind, SystemActor
from cartotech.domain.validation import clean_submission
from cartotech.errors import CartotechError, InputError
from cartotech.geo import Referential
from cartotech.store import get_actor, unit_of_work
from cartotech.store.duplicates import likely_duplicates
from cartotech.store.submissions import (
    VERIFY_TTL,
    SubmissionReceipt,
    claim_actor,
    get_submission,
    present_organisation,
    verify_submission,
)
from cartotech.web.auth import OptionalUserDep
from cartotech.web.deps import ConnectionDep, ReferentialDep
from cartotech.web.notifications import public_link, send_mail
from cartotech.web.pages.forms import (
    HONEYPOT_FIELD,
    ActorFieldsDep,
    confirm_page,
    form_error,
    known_sectors,
    place_label,
    resolve_place,
)
from cartotech.web.pages.rendering import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

Text = Annotated[str, Form(max_length=300)]
LongText = Annotated[str, Form(max_length=6000)]
# The fields of the form, re-sent as hidden inputs by the "is this you?" step.
FIELDS = (
    "name", "type", "commune", "territory_id", "website", "description_fr", "description_en",
    "siren", "siret", "contact_name", "contact_email",
)  # fmt: skip
TYPES = [t.value for t in ActorType if t not in (ActorType.EVENT, ActorType.LABEL_PROGRAM)]


def _form_page(
    request: Request, form: dict[str, Any], *, error: Any = None, status_code: int = 200
) -> HTMLResponse:
    return render(
        request,
        "participation/present.html",
        {
            "nav": "participate",
            "form": form,
            "types": TYPES,
            "sectors": known_sectors(),
            "error": error,
            "honeypot": HONEYPOT_FIELD,
        },
        status_code=status_code,
    )


@router.get("/present", response_class=HTMLResponse)
def present_form(
    request: Request, name: Annotated[str, Query(max_length=200)] = ""
) -> HTMLResponse:
    return _form_page(request, {"name": name, "type": "startup", "sectors": []})


def _sent_page(request: Request, kind: str, *, to_moderation: bool = False) -> HTMLResponse:
    return render(
        request,
        "participation/sent.html",
        {
            "nav": "participate",
            "kind": kind,
            "to_moderation": to_moderation,
            "hours": int(VERIFY_TTL.total_seconds() // 3600),
        },
    )


def _mail_link(request: Request, receipt: SubmissionReceipt, to: str, kind: str, name: str) -> None:
    if receipt.token is None:
        return
    link = public_link(request, "/present/confirm", token=receipt.token)
    hours = int(VERIFY_TTL.total_seconds() // 3600)
    send_mail(request, to, "claim" if kind == "claim" else "verify", name=name, link=link,
              hours=hours)  # fmt: skip


@router.post("/present", response_class=HTMLResponse)
def present_submit(
    request: Request,
    user: OptionalUserDep,
    conn: ConnectionDep,
    referential: ReferentialDep,
    fields: ActorFieldsDep,
    contact_name: Text = "",
    contact_email: Text = "",
    confirmed: Annotated[str, Form(max_length=5)] = "",
    website_url: Annotated[str, Form(max_length=2000)] = "",
) -> HTMLResponse:
    f = fields
    form = {**f.as_form(), "contact_name": contact_name, "contact_email": contact_email}
    if website_url:  # the honeypot: a bot. Say the same as to a person, write nothing.
        return _sent_page(request, "new")
    try:
        place = resolve_place(referential, f.territory_id, f.commune, field="commune")
        form["territory_id"] = place
        form["commune"] = place_label(place, referential)
        try:
            actor_type = ActorType(f.type)
        except ValueError:
            raise InputError(f"type {f.type!r}: choose one of the list", field="type") from None
        submission = clean_submission(
            ActorSubmission(
                name=f.name, type=actor_type, contact_email=contact_email, territory_id=place,
                sectors=tuple(f.sectors), website=f.website or None,
                description_fr=f.description_fr or None,
                description_en=f.description_en or None, siren=f.siren or None,
                siret=f.siret or None, contact_name=contact_name or None,
            )
        )  # fmt: skip
        if confirmed != "yes":
            duplicates = likely_duplicates(
                conn, submission.name, place, referential=referential, siren=submission.siren
            )
            if duplicates:
                return _check_page(request, form, duplicates, referential)
        engine: Engine = request.app.state.engine
        with unit_of_work(engine) as write:
            receipt = present_organisation(
                write, submission, referential=referential, by=user or SystemActor.PUBLIC
            )
        _mail_link(request, receipt, submission.contact_email, "new", submission.name)
    except CartotechError as exc:
        return _form_page(request, form, error=form_error(exc), status_code=exc.status_code)
    return _sent_page(request, "new", to_moderation=receipt.token is None)


def _check_page(
    request: Request, form: dict[str, Any], duplicates: list[Any], referential: Referential
) -> HTMLResponse:
    shown = [
        {"candidate": d, "place": place_label(d.territory_id, referential)} for d in duplicates
    ]
    hidden = [(key, form.get(key) or "") for key in FIELDS]
    hidden += [("sectors", s) for s in form.get("sectors") or []]
    return render(
        request,
        "participation/check.html",
        {"nav": "participate", "form": form, "duplicates": shown, "hidden": hidden},
    )


def _claim_page(
    request: Request, actor: dict[str, Any], form: dict[str, Any], *, error: Any = None,
    status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    return render(
        request,
        "participation/claim.html",
        {"nav": "participate", "actor": actor, "form": form, "error": error},
        status_code=status_code,
    )


@router.get("/actors/{actor_id}/claim", response_class=HTMLResponse)
def claim_form(
    request: Request, conn: ConnectionDep, actor_id: Annotated[int, Path(ge=1)]
) -> HTMLResponse:
    return _claim_page(request, get_actor(conn, actor_id), {})


@router.post("/actors/{actor_id}/claim", response_class=HTMLResponse)
def claim_submit(
    request: Request,
    user: OptionalUserDep,
    conn: ConnectionDep,
    actor_id: Annotated[int, Path(ge=1)],
    contact_email: Text = "",
    contact_name: Text = "",
    siren: Annotated[str, Form(max_length=40)] = "",
    siret: Annotated[str, Form(max_length=40)] = "",
    message: LongText = "",
) -> HTMLResponse:
    actor = get_actor(conn, actor_id)
    form = {"contact_email": contact_email, "contact_name": contact_name, "siren": siren,
            "siret": siret, "message": message}  # fmt: skip
    engine: Engine = request.app.state.engine
    try:
        with unit_of_work(engine) as write:
            receipt = claim_actor(
                write, actor_id, contact_email=contact_email, contact_name=contact_name or None,
                siren=siren or None, siret=siret or None, message=message or None,
                by=user or SystemActor.PUBLIC,
            )  # fmt: skip
        _mail_link(request, receipt, contact_email.strip(), "claim", actor["name"])
    except CartotechError as exc:
        return _claim_page(request, actor, form, error=form_error(exc), status_code=exc.status_code)
    return _sent_page(request, "claim", to_moderation=receipt.token is None)


@router.get("/present/confirm", response_class=HTMLResponse)
def confirm_form(
    request: Request, token: Annotated[str, Query(max_length=200)] = ""
) -> HTMLResponse:
    return confirm_page(request, token, action="/present/confirm", what="submission")


@router.post("/present/confirm", response_class=HTMLResponse)
def confirm_submit(
    request: Request, token: Annotated[str, Form(max_length=200)] = ""
) -> HTMLResponse:
    engine: Engine = request.app.state.engine
    with unit_of_work(engine) as write:
        submission_id = verify_submission(write, token)
    with engine.connect() as conn:
        kind = _kind(conn, submission_id)
    return render(request, "participation/confirmed.html", {"nav": "participate", "kind": kind})


def _kind(conn: Connection, submission_id: int) -> str:
    kind = get_submission(conn, submission_id)["kind"]
    return "claim" if kind == SubmissionKind.CLAIM.value else "new"
