"""Label candidacies: the list, a candidacy's transparent score, and its managers' forms.

The candidacy page shows, for each criterion of the programme, the value, the
evidence behind it (the actors, facts, events, petitions or documents
counted, each linked and with its source), the points with their formula, and
what is missing; then the total and its formula. The score is computed for a
day (``?as_of=YYYY-MM-DD``, default today in France): the same data and the
same day always give the same score.

Managers (the candidacy's team, the managers of all its territories,
administrators) add declared evidence, move the candidacy between draft,
submitted and withdrawn, and open its petition; the store checks each of
these, so another territory's manager gets 403. Administrators record the
award (date, validity, the announcement as source).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Connection, Engine

from cartotech.domain import SourceKind, SourceRecord
from cartotech.domain.participation import CandidacyState, Role, User
from cartotech.domain.permissions import can_moderate, has_role, is_admin, require
from cartotech.domain.validation import MAX_TITLE, clean_date, clean_text, clean_url
from cartotech.errors import CartotechError, ConflictError, InputError
from cartotech.geo import Referential
from cartotech.labels import CandidacyScore, EvidenceItem, get_programme, load_programmes
from cartotech.store import unit_of_work
from cartotech.store.candidacies import (
    award_candidacy,
    create_candidacy,
    get_candidacy,
    list_candidacies,
    set_candidacy_state,
)
from cartotech.store.candidacy_access import require_candidacy_manager
from cartotech.store.candidacy_evidence import add_declared_evidence
from cartotech.store.candidacy_scores import score_candidacy
from cartotech.store.petitions import create_petition, list_petitions
from cartotech.web.auth import OptionalUserDep, UserDep
from cartotech.web.deps import ConnectionDep, ReferentialDep
from cartotech.web.i18n import request_language
from cartotech.web.pages.forms import FormError, form_error, local_today, place_label
from cartotech.web.pages.rendering import render

__all__ = ["can_manage", "evidence_link", "router", "score_as_of", "write_or_page"]

router = APIRouter(include_in_schema=False)

MAX_EVIDENCE_SHOWN = 100
MANAGER_STATES = [CandidacyState.DRAFT, CandidacyState.SUBMITTED, CandidacyState.WITHDRAWN]
Text = Annotated[str, Form(max_length=300)]


def score_as_of(as_of: str | None) -> date:
    """The day a score is computed for: ``as_of`` (YYYY-MM-DD) or today in France."""
    if not as_of:
        return local_today()
    try:
        return date.fromisoformat(as_of)
    except ValueError:
        raise InputError(f"as_of {as_of!r}: expected YYYY-MM-DD", field="as_of") from None


def evidence_link(item: EvidenceItem) -> str | None:
    """Where a piece of evidence is shown on this site (or, for a declared link, its
    address): an actor, an event, a petition."""
    match item.kind:
        case "actor":
            return f"/actors/{item.id}"
        case "fact":
            return f"/actors/{item.detail['actor_id']}"
        case "event":
            return f"/events/{item.id}"
        case "petition":
            return f"/petitions/{str(item.source.get('key', '')).removeprefix('petition:')}"
    return None


def _score_view(score: CandidacyScore, lang: str) -> list[dict[str, Any]]:
    rows = []
    for criterion_score in score.criteria:
        criterion = criterion_score.criterion
        items = [{"item": i, "link": evidence_link(i)} for i in criterion_score.evidence]
        rows.append({
            "score": criterion_score,
            "label": criterion.label[lang],
            "description": (criterion.description or {}).get(lang),
            "shown": items[:MAX_EVIDENCE_SHOWN],
            "more": max(0, len(items) - MAX_EVIDENCE_SHOWN),
            "pending": criterion_score.pending,
        })  # fmt: skip
    return rows


def can_manage(conn: Connection, candidacy_id: int, user: User | None, ref: Referential) -> bool:
    """Whether ``user`` is one of the candidacy's managers (the store's rule, as a bool)."""
    if user is None:
        return False
    try:
        require_candidacy_manager(conn, candidacy_id, user, ref)
    except CartotechError:
        return False
    return True


@router.get("/candidacies", response_class=HTMLResponse)
def candidacies_page(
    request: Request, user: OptionalUserDep, conn: ConnectionDep, referential: ReferentialDep
) -> HTMLResponse:
    rows = [
        {
            **candidacy,
            "programme": get_programme(candidacy["programme_key"]),
            "places": [place_label(t, referential) for t in candidacy["territory_ids"]],
        }
        for candidacy in list_candidacies(conn)
    ]
    may_open = user is not None and (is_admin(user) or has_role(user, Role.TERRITORY_MANAGER))
    return render(
        request,
        "participation/candidacies.html",
        {"nav": "participate", "candidacies": rows, "may_open": may_open},
    )


def _file_names(candidacy: dict[str, Any]) -> dict[int, str]:
    """The names of the candidacy's uploaded files by evidence id."""
    return {
        int(e["id"]): e["file_name"] or f"evidence-{e['id']}"
        for e in candidacy["evidence"]
        if e["kind"] == "upload"
    }


def _candidacy_page(
    request: Request, user: User | None, conn: Connection, referential: Referential,
    candidacy_id: int, as_of: date, *, error: FormError | None = None, status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    candidacy = get_candidacy(conn, candidacy_id)
    score = score_candidacy(conn, candidacy_id, as_of=as_of, referential=referential)
    programme = get_programme(candidacy["programme_key"])
    lang = request_language(request)
    manager = can_manage(conn, candidacy_id, user, referential)
    # Moderators and the candidacy's managers read its uploaded files (as download_evidence).
    may_read_files = manager or (user is not None and can_moderate(user))
    return render(
        request,
        "participation/candidacy.html",
        {
            "nav": "participate",
            "candidacy": candidacy,
            "programme": programme,
            "score": score,
            "criteria": _score_view(score, lang),
            "places": [(t, place_label(t, referential)) for t in candidacy["territory_ids"]],
            "petitions": list_petitions(conn, candidacy_id=candidacy_id),
            "can_manage": manager,
            # Uploaded files by evidence id: their names, for those who may read them.
            "files": _file_names(candidacy) if may_read_files else {},
            "max_upload_bytes": request.app.state.settings.max_upload_bytes,
            "can_award": user is not None and is_admin(user),
            "declared": [c for c in programme.criteria if not c.computed],
            "states": [s.value for s in MANAGER_STATES],
            "error": error,
            "as_of": as_of,
            "is_today": as_of == local_today(),
        },
        status_code=status_code,
    )


@router.get("/candidacies/new", response_class=HTMLResponse)
def new_candidacy_form(request: Request, user: UserDep) -> HTMLResponse:
    require(
        is_admin(user) or has_role(user, Role.TERRITORY_MANAGER),
        "candidacies are opened by territory managers and administrators",
    )
    return _new_page(request, user, {})


def _new_page(
    request: Request, user: User, form: dict[str, Any], *, error: FormError | None = None,
    status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    return render(
        request,
        "participation/candidacy_new.html",
        {"nav": "participate", "form": form, "error": error,
         "programmes": list(load_programmes().values()), "scopes": user.territory_ids},
        status_code=status_code,
    )  # fmt: skip


@router.post("/candidacies/new", response_class=HTMLResponse)
def new_candidacy(
    request: Request,
    user: UserDep,
    referential: ReferentialDep,
    programme: Annotated[str, Form(max_length=80)] = "",
    name: Text = "",
    territories: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    form = {"programme": programme, "name": name, "territories": territories}
    engine: Engine = request.app.state.engine
    ids = [part for part in territories.replace(",", " ").split() if part]
    try:
        with unit_of_work(engine) as conn:
            candidacy_id = create_candidacy(
                conn, programme_key=programme, name=name, territory_ids=ids, by=user,
                referential=referential,
            )  # fmt: skip
    except CartotechError as exc:
        return _new_page(request, user, form, error=form_error(exc), status_code=exc.status_code)
    return RedirectResponse(f"/candidacies/{candidacy_id}", status_code=303)


@router.get("/candidacies/{candidacy_id}", response_class=HTMLResponse)
def candidacy_page(
    request: Request,
    user: OptionalUserDep,
    conn: ConnectionDep,
    referential: ReferentialDep,
    candidacy_id: Annotated[int, Path(ge=1)],
    as_of: Annotated[str | None, Query(max_length=10)] = None,
) -> HTMLResponse:
    return _candidacy_page(request, user, conn, referential, candidacy_id, score_as_of(as_of))


def write_or_page(
    request: Request, user: User, conn: Connection, referential: Referential, candidacy_id: int,
    write: Any,
) -> Response:  # fmt: skip
    """Run ``write(connection)`` in one unit of work; back to the candidacy page, or
    the page with the error of the form (403 when the user may not manage it)."""
    engine: Engine = request.app.state.engine
    try:
        with unit_of_work(engine) as unit:
            write(unit)
    except (InputError, ConflictError) as exc:
        return _candidacy_page(request, user, conn, referential, candidacy_id, local_today(),
                               error=form_error(exc), status_code=exc.status_code)  # fmt: skip
    return RedirectResponse(f"/candidacies/{candidacy_id}", status_code=303)


@router.post("/candidacies/{candidacy_id}/evidence", response_class=HTMLResponse)
def add_evidence(
    request: Request,
    user: UserDep,
    conn: ConnectionDep,
    referential: ReferentialDep,
    candidacy_id: Annotated[int, Path(ge=1)],
    criterion: Annotated[str, Form(max_length=80)] = "",
    reference: Annotated[str, Form(max_length=2000)] = "",
    note: Annotated[str, Form(max_length=2100)] = "",
) -> Response:
    return write_or_page(
        request, user, conn, referential, candidacy_id,
        lambda unit: add_declared_evidence(
            unit, candidacy_id, criterion, kind="link", reference=reference, by=user,
            referential=referential, note=note or None,
        ),
    )  # fmt: skip


@router.post("/candidacies/{candidacy_id}/state", response_class=HTMLResponse)
def change_state(
    request: Request,
    user: UserDep,
    conn: ConnectionDep,
    referential: ReferentialDep,
    candidacy_id: Annotated[int, Path(ge=1)],
    state: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    if state not in {s.value for s in MANAGER_STATES}:
        raise InputError(f"state {state!r}: expected draft, submitted or withdrawn", field="state")
    return write_or_page(
        request, user, conn, referential, candidacy_id,
        lambda unit: set_candidacy_state(unit, candidacy_id, CandidacyState(state), by=user,
                                         referential=referential),
    )  # fmt: skip


@router.post("/candidacies/{candidacy_id}/petition", response_class=HTMLResponse)
def open_petition(
    request: Request,
    user: UserDep,
    conn: ConnectionDep,
    referential: ReferentialDep,
    candidacy_id: Annotated[int, Path(ge=1)],
    title: Text = "",
    description: Annotated[str, Form(max_length=6000)] = "",
) -> Response:
    return write_or_page(
        request, user, conn, referential, candidacy_id,
        lambda unit: create_petition(unit, title=title, description=description or None,
                                     candidacy_id=candidacy_id, by=user,
                                     referential=referential),
    )  # fmt: skip


@router.post("/candidacies/{candidacy_id}/award", response_class=HTMLResponse)
def record_award(
    request: Request,
    user: UserDep,
    conn: ConnectionDep,
    referential: ReferentialDep,
    candidacy_id: Annotated[int, Path(ge=1)],
    awarded_on: Annotated[str, Form(max_length=10)] = "",
    valid_until: Annotated[str, Form(max_length=10)] = "",
    source_title: Text = "",
    source_url: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Administrators record the label granted (one award per territory of the
    candidacy), citing the announcement; territory pages then show it until it ends."""
    require(is_admin(user), "only administrators record awards")

    def write(unit: Connection) -> None:
        day = clean_date(awarded_on, field="awarded_on")
        if day is None:
            raise InputError(
                "awarded_on is required: the day of the announcement", field="awarded_on"
            )
        until = clean_date(valid_until, field="valid_until")
        title = clean_text(source_title, field="source_title", max_length=MAX_TITLE, required=True)
        source = SourceRecord(
            key=f"award-candidacy-{candidacy_id}-{day}", kind=SourceKind.PUBLIC_RECORD,
            title=title or "", url=clean_url(source_url, field="source_url"), published_on=day,
        )  # fmt: skip
        award_candidacy(
            unit, candidacy_id, awarded_on=date.fromisoformat(day), source=source, by=user,
            valid_until=date.fromisoformat(until) if until else None,
        )  # fmt: skip

    return write_or_page(request, user, conn, referential, candidacy_id, write)
