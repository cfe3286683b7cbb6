"""Support petitions: signatures confirmed by email, one per person, rate-limited.

- A petition belongs to a candidacy (its managers run it) or stands alone
  (moderators and territory managers open those).
- :func:`sign_petition` checks the form, applies the per-IP and per-email
  rate limits (rows of ``rate_limit_hits``, shared by every web worker) and
  stores a *pending* signature with the token of its confirmation link (only
  a hash is kept). Pending signatures are never counted, listed or exported.
- One signature per person per petition: the unique index is on the
  *canonical* email (:func:`cartotech.domain.validation.canonical_email`:
  case, Gmail dots, ``+tags`` folded). Signing again with a variant of a
  pending signature's address refreshes it and sends a new link; of a
  confirmed one, changes nothing (status ``already_confirmed``; the web layer
  should show the same "check your inbox" page either way, so that the form
  does not tell who signed).
- :func:`confirm_signature` follows the link. Counts, the public lists
  (organisations; names of those who consented) and the CSV rows for the
  dossier only read confirmed signatures.

Honeypot fields and CAPTCHAs are the web layer's: they never reach the store.
Erasure of a person: :mod:`cartotech.store.privacy`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, func, select, update

from cartotech.domain.participation import (
    PetitionState,
    Role,
    SignatureInput,
    SignatureState,
    SystemActor,
    User,
    Who,
)
from cartotech.domain.participation_errors import InvalidState, InvalidToken, TokenExpired
from cartotech.domain.permissions import can_moderate, has_role, require
from cartotech.domain.validation import (
    MAX_LONG_TEXT,
    MAX_TITLE,
    canonical_email,
    clean_signature,
    clean_text,
)
from cartotech.errors import ConflictError, InputError, NotFound
from cartotech.geo import Referential
from cartotech.normalize import slugify
from cartotech.store._participation import hash_token, new_token, require_actor, user_id_of, utc_now
from cartotech.store._sql import insert_ignoring_duplicates
from cartotech.store.audit import record_audit
from cartotech.store.candidacy_access import require_candidacy_manager
from cartotech.store.ratelimits import RateLimit, hit_rate_limit
from cartotech.store.schema import actors, petition_signatures, petitions

__all__ = [
    "CONFIRM_TTL",
    "SIGN_PER_EMAIL",
    "SIGN_PER_IP",
    "SignatureReceipt",
    "Signatories",
    "close_petition",
    "confirm_signature",
    "create_petition",
    "get_petition",
    "list_petitions",
    "petition_count",
    "petition_signatories",
    "sign_petition",
    "signature_export_rows",
]

SIGN_PER_IP = RateLimit(20, timedelta(minutes=10), "signatures from this address")
SIGN_PER_EMAIL = RateLimit(5, timedelta(hours=1), "signature attempts for this email")
CONFIRM_TTL = timedelta(days=7)
_CONFIRMED = SignatureState.CONFIRMED.value


def create_petition(
    conn: Connection,
    *,
    title: str,
    by: Who,
    referential: Referential,
    description: str | None = None,
    candidacy_id: int | None = None,
    slug: str | None = None,
    closes_at: datetime | None = None,
    now: datetime | None = None,
) -> int:
    """Open a petition; its ``slug`` (from the title unless given) names it in URLs."""
    now = utc_now(now)
    if candidacy_id is not None:
        require_candidacy_manager(conn, candidacy_id, by, referential)
    elif isinstance(by, User):
        require(
            can_moderate(by) or has_role(by, Role.TERRITORY_MANAGER),
            "only moderators and territory managers open standalone petitions",
        )
    clean_title = clean_text(title, field="title", max_length=MAX_TITLE, required=True) or ""
    key = slugify(slug or clean_title)[:120]
    if not key:
        raise InputError(
            "slug: give a few letters or digits for the petition's address", field="slug"
        )
    if conn.execute(select(petitions.c.id).where(petitions.c.slug == key)).first():
        raise ConflictError(f"a petition with slug {key!r} exists: choose another", field="slug")
    values = {
        "slug": key, "title": clean_title, "candidacy_id": candidacy_id,
        "description": clean_text(description, field="description", max_length=MAX_LONG_TEXT,
                                  multiline=True),
        "state": PetitionState.OPEN.value, "closes_at": closes_at, "created_by": user_id_of(by),
        "created_at": now, "updated_at": now,
    }  # fmt: skip
    petition_id = int(
        conn.execute(petitions.insert().values(**values).returning(petitions.c.id)).scalar_one()
    )
    after = {"slug": key, "title": clean_title, "candidacy_id": candidacy_id}
    record_audit(conn, by, "petition.create", "petition", petition_id, after=after, at=now)
    return petition_id


def _petition(conn: Connection, petition_id: int) -> Any:
    row = conn.execute(select(petitions).where(petitions.c.id == petition_id)).first()
    if row is None:
        raise NotFound(f"no petition {petition_id}", field="petition")
    return row


def _is_open(row: Any, now: datetime) -> bool:
    return row.state == PetitionState.OPEN.value and (row.closes_at is None or row.closes_at > now)


def get_petition(conn: Connection, petition: int | str) -> dict[str, Any]:
    """A petition by id or slug, with its public ``count`` of confirmed signatures."""
    where = (
        petitions.c.id == petition if isinstance(petition, int) else petitions.c.slug == petition
    )
    row = conn.execute(select(petitions).where(where)).first()
    if row is None:
        raise NotFound(f"no petition {petition!r}", field="petition")
    data = dict(row._mapping)
    data["count"] = petition_count(conn, row.id)
    return data


def list_petitions(conn: Connection, *, candidacy_id: int | None = None) -> list[dict[str, Any]]:
    """Petitions (of a candidacy), newest first, each with its count."""
    confirmed = (
        select(func.count()).select_from(petition_signatures)
        .where(petition_signatures.c.petition_id == petitions.c.id,
               petition_signatures.c.state == _CONFIRMED)
        .scalar_subquery()
    )  # fmt: skip
    query = select(petitions, confirmed.label("count")).order_by(
        petitions.c.created_at.desc(), petitions.c.id.desc()
    )
    if candidacy_id is not None:
        query = query.where(petitions.c.candidacy_id == candidacy_id)
    return [dict(r._mapping) for r in conn.execute(query)]


def close_petition(
    conn: Connection, petition_id: int, *, by: Who, referential: Referential,
    now: datetime | None = None,
) -> None:  # fmt: skip
    """Stop a petition taking signatures (its candidacy's managers; moderators for a
    standalone one); the signatures stay, and pending ones can no longer be confirmed."""
    now = utc_now(now)
    row = _petition(conn, petition_id)
    if row.candidacy_id is not None:
        require_candidacy_manager(conn, row.candidacy_id, by, referential)
    elif isinstance(by, User):
        require(can_moderate(by), "only moderators close standalone petitions")
    if row.state == PetitionState.CLOSED.value:
        raise InvalidState(f"petition {row.slug!r} is already closed")
    conn.execute(
        update(petitions).where(petitions.c.id == petition_id)
        .values(state=PetitionState.CLOSED.value, updated_at=now)
    )  # fmt: skip
    record_audit(conn, by, "petition.close", "petition", petition_id,
                 before={"state": row.state}, after={"state": "closed"}, at=now)  # fmt: skip


@dataclass(frozen=True)
class SignatureReceipt:
    """``status`` ``pending``: email ``token`` in a confirmation link. ``already_confirmed``:
    nothing to send (show the same page anyway)."""

    signature_id: int
    status: str
    token: str | None


def sign_petition(
    conn: Connection,
    petition_id: int,
    signature: SignatureInput,
    *,
    ip: str | None,
    now: datetime | None = None,
    per_ip: RateLimit = SIGN_PER_IP,
    per_email: RateLimit = SIGN_PER_EMAIL,
    ttl: timedelta = CONFIRM_TTL,
) -> SignatureReceipt:
    """Sign (pending until the email link is followed); see the module docstring."""
    now = utc_now(now)
    clean = clean_signature(signature)
    canonical = canonical_email(clean.email)
    if ip:
        hit_rate_limit(conn, "sign-ip", ip, per_ip, now=now)
    hit_rate_limit(conn, "sign-email", canonical, per_email, now=now, field="email")
    petition = _petition(conn, petition_id)
    if not _is_open(petition, now):
        raise InvalidState(f"petition {petition.slug!r} is closed: it takes no more signatures")
    if clean.organisation_actor_id is not None:
        require_actor(conn, clean.organisation_actor_id, field="organisation_actor_id")
    token = new_token()
    values = {
        "email": clean.email, "name": clean.name,
        "organisation_actor_id": clean.organisation_actor_id, "comment": clean.comment,
        "show_name": bool(clean.show_name), "token_hash": hash_token(token),
        "token_expires_at": now + ttl,
    }  # fmt: skip
    same_person = and_(
        petition_signatures.c.petition_id == petition_id,
        petition_signatures.c.email_canonical == canonical,
    )
    inserted = insert_ignoring_duplicates(
        conn, petition_signatures,
        [{**values, "petition_id": petition_id, "email_canonical": canonical,
          "state": SignatureState.PENDING.value, "created_at": now}],
    )  # fmt: skip
    row = conn.execute(select(petition_signatures).where(same_person).with_for_update()).one()
    if not inserted:
        if row.state == _CONFIRMED:
            return SignatureReceipt(row.id, "already_confirmed", None)
        conn.execute(update(petition_signatures).where(petition_signatures.c.id == row.id)
                     .values(**values))  # fmt: skip
    action = "signature.create" if inserted else "signature.refresh"
    record_audit(conn, SystemActor.PUBLIC, action, "signature", row.id,
                 after={"petition_id": petition_id, "state": "pending"}, at=now)  # fmt: skip
    return SignatureReceipt(row.id, "pending", token)


def confirm_signature(
    conn: Connection, token: str, *, now: datetime | None = None
) -> tuple[int, bool]:
    """Follow a confirmation link: ``(petition_id, newly_confirmed)``. A second click
    confirms nothing more; an old link raises TokenExpired, a wrong one InvalidToken."""
    now = utc_now(now)
    row = conn.execute(
        select(petition_signatures)
        .where(petition_signatures.c.token_hash == hash_token(token or ""))
        .with_for_update()
    ).first()
    if row is None:
        raise InvalidToken("this confirmation link is not valid: check that it was not cut")
    if row.state == _CONFIRMED:
        return row.petition_id, False
    if row.token_expires_at <= now:
        raise TokenExpired("this confirmation link has expired: please sign again")
    petition = _petition(conn, row.petition_id)
    if not _is_open(petition, now):
        raise InvalidState(f"petition {petition.slug!r} closed before this signature was confirmed")
    conn.execute(
        update(petition_signatures).where(petition_signatures.c.id == row.id)
        .values(state=_CONFIRMED, confirmed_at=now)
    )  # fmt: skip
    record_audit(conn, SystemActor.PUBLIC, "signature.confirm", "signature", row.id,
                 before={"state": row.state}, after={"state": _CONFIRMED}, at=now)  # fmt: skip
    return row.petition_id, True


def petition_count(conn: Connection, petition_id: int, *, until: datetime | None = None) -> int:
    """Confirmed signatures (erased ones included: a person's erasure keeps the count),
    those confirmed before ``until`` when given."""
    where = [
        petition_signatures.c.petition_id == petition_id,
        petition_signatures.c.state == _CONFIRMED,
    ]
    if until is not None:
        where.append(petition_signatures.c.confirmed_at < utc_now(until))
    return int(
        conn.execute(
            select(func.count()).select_from(petition_signatures).where(*where)
        ).scalar_one()
    )


@dataclass(frozen=True)
class Signatories:
    """What the public page shows: the count, the organisations (actor id, name, number
    of signatures) and the names of those who consented, in order of confirmation."""

    count: int
    organisations: list[tuple[int, str, int]]
    names: list[str]


def petition_signatories(conn: Connection, petition_id: int) -> Signatories:
    confirmed = and_(
        petition_signatures.c.petition_id == petition_id, petition_signatures.c.state == _CONFIRMED
    )
    organisations = conn.execute(
        select(actors.c.id, actors.c.name, func.count())
        .join(actors, actors.c.id == petition_signatures.c.organisation_actor_id)
        .where(confirmed).group_by(actors.c.id, actors.c.name, actors.c.name_norm)
        .order_by(actors.c.name_norm, actors.c.id)
    )  # fmt: skip
    names = conn.execute(
        select(petition_signatures.c.name)
        .where(confirmed, petition_signatures.c.show_name.is_(True),
               petition_signatures.c.name.is_not(None))
        .order_by(petition_signatures.c.confirmed_at, petition_signatures.c.id)
    ).scalars()  # fmt: skip
    return Signatories(
        count=petition_count(conn, petition_id),
        organisations=[(int(i), str(n), int(c)) for i, n, c in organisations],
        names=list(names),
    )


def signature_export_rows(conn: Connection, petition_id: int) -> list[dict[str, Any]]:
    """The rows of the dossier's CSV: confirmed signatures in order, with the name and
    comment only when the signatory consented to show their name, never an email.
    Erased signatures stay as anonymous rows so the file adds up to the count. (The
    web layer writes the CSV and neutralises formulas, as ``exports.py`` does.)"""
    _petition(conn, petition_id)
    rows = conn.execute(
        select(petition_signatures, actors.c.name.label("organisation"))
        .outerjoin(actors, actors.c.id == petition_signatures.c.organisation_actor_id)
        .where(petition_signatures.c.petition_id == petition_id,
               petition_signatures.c.state == _CONFIRMED)
        .order_by(petition_signatures.c.confirmed_at, petition_signatures.c.id)
    )  # fmt: skip
    out = []
    for number, row in enumerate(rows, start=1):
        shown = bool(row.show_name) and row.name is not None
        out.append({
            "number": number,
            "confirmed_on": row.confirmed_at.date().isoformat(),
            "name": row.name if shown else "",
            "organisation": row.organisation or "",
            "comment": (row.comment or "") if shown else "",
        })  # fmt: skip
    return out
