"""Erasure of a person's data (GDPR right to erasure): ``cartotech petitions forget EMAIL``.

:func:`forget_email` finds everything the store holds about an email address
and erases it, in one transaction, keeping the counts right:

- petition signatures: a *confirmed* signature keeps its row, anonymised (no
  email, name, comment or organisation), so counters and CSV exports still add
  up; a *pending* one, never counted, is deleted;
- submissions and events: the contact email and name are blanked (an
  unverified submission can then no longer be verified);
- an account with that email: anonymised (``forgotten-<id>@invalid``, no
  name, no password, deactivated, no roles, no password links), so the audit
  log's "who" still points at a row;
- rate-limit attempts keyed by the address;
- the audit log: any occurrence of the address, or of the account's name, in
  the before/after snapshots is replaced by ``[erased]``.

Every variant of the address is found (the canonical address: case, ``+tags``,
Gmail dots). The erasure itself is audited without the address.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, or_, select, update

from cartotech.domain.participation import SignatureState, Who
from cartotech.domain.validation import canonical_email, normalize_email
from cartotech.store._participation import utc_now
from cartotech.store.audit import record_audit
from cartotech.store.ratelimits import forget_rate_limit_key
from cartotech.store.schema import (
    audit_log,
    events,
    petition_signatures,
    submissions,
    user_roles,
    user_tokens,
    users,
)

__all__ = ["ERASED", "ForgetReport", "forget_email"]

ERASED = "[erased]"
_GMAIL = ("gmail.com", "googlemail.com")


@dataclass(frozen=True)
class ForgetReport:
    signatures_anonymised: int = 0
    signatures_deleted: int = 0
    submissions: int = 0
    events: int = 0
    accounts: int = 0
    rate_limit_hits: int = 0
    audit_entries: int = 0

    @property
    def total(self) -> int:
        return sum(asdict(self).values())


def _scrub(text: str | None, secrets: list[str]) -> str | None:
    if text is None:
        return None
    for secret in secrets:
        text = text.replace(secret, ERASED)
    return text


def _scrub_audit(
    conn: Connection, addresses: list[str], names: list[str], user_ids: list[int]
) -> int:
    """Replace the addresses (and, in entries about the account or naming an address,
    the account's names) by ``[erased]``."""
    mentions = [column.contains(a, autoescape=True) for a in addresses for column in
                (audit_log.c.before, audit_log.c.after, audit_log.c.note)]  # fmt: skip
    if user_ids:
        mentions.append(
            (audit_log.c.entity_kind == "user")
            & audit_log.c.entity_id.in_([str(i) for i in user_ids])
        )
    rows = conn.execute(select(audit_log.c.id, audit_log.c.before, audit_log.c.after,
                               audit_log.c.note).where(or_(*mentions))).all()  # fmt: skip
    secrets = sorted({*addresses, *names}, key=len, reverse=True)
    changed = 0
    for row in rows:
        values = {name: _scrub(getattr(row, name), secrets) for name in ("before", "after", "note")}
        if any(values[name] != getattr(row, name) for name in values):
            conn.execute(update(audit_log).where(audit_log.c.id == row.id).values(**values))
            changed += 1
    return changed


def _same_person(conn: Connection, column: Any, canonical: str) -> list[Any]:
    """The ids of ``column``'s table whose address is a variant of ``canonical`` (same
    domain, then compared canonically: case, ``+tags``, Gmail dots)."""
    domain = canonical.rsplit("@", 1)[1]
    domains = _GMAIL if domain in _GMAIL else (domain,)
    table = column.table
    rows = conn.execute(
        select(table.c.id, column).where(
            or_(*(column.endswith(f"@{d}", autoescape=True) for d in domains))
        )
    ).all()
    return [row.id for row in rows if canonical_email(row[1]) == canonical]


def forget_email(
    conn: Connection, email: str, *, by: Who, now: datetime | None = None
) -> ForgetReport:
    """Erase what the store holds about ``email`` (see the module docstring)."""
    now = utc_now(now)
    address = normalize_email(email)
    canonical = canonical_email(email)
    signature = petition_signatures.c.email_canonical == canonical
    confirmed = conn.execute(
        update(petition_signatures)
        .where(signature, petition_signatures.c.state == SignatureState.CONFIRMED.value)
        .values(email=None, email_canonical=None, name=None, comment=None, show_name=False,
                organisation_actor_id=None, token_hash=None, forgotten_at=now)
    ).rowcount  # fmt: skip
    pending = conn.execute(delete(petition_signatures).where(signature)).rowcount
    forms = conn.execute(
        update(submissions)
        .where(submissions.c.id.in_(_same_person(conn, submissions.c.contact_email, canonical)))
        .values(contact_email=None, contact_name=None, token_hash=None, updated_at=now)
    ).rowcount  # fmt: skip
    event_rows = conn.execute(
        update(events)
        .where(events.c.id.in_(_same_person(conn, events.c.contact_email, canonical)))
        .values(contact_email=None)
    ).rowcount
    account_ids = _same_person(conn, users.c.email, canonical)
    accounts = conn.execute(
        select(users.c.id, users.c.display_name, users.c.email).where(users.c.id.in_(account_ids))
    ).all()
    addresses = {address, canonical, *(row.email for row in accounts)}
    for user_id, *_ in accounts:
        conn.execute(delete(user_roles).where(user_roles.c.user_id == user_id))
        conn.execute(delete(user_tokens).where(user_tokens.c.user_id == user_id))
        conn.execute(
            update(users).where(users.c.id == user_id)
            .values(email=f"forgotten-{user_id}@invalid", display_name=None, password_hash=None,
                    is_active=False, updated_at=now)
        )  # fmt: skip
    hits = forget_rate_limit_key(conn, "sign-email", canonical)
    names = [
        row.display_name for row in accounts if row.display_name and len(row.display_name) >= 3
    ]
    scrubbed = _scrub_audit(conn, sorted(addresses), names, [row.id for row in accounts])
    report = ForgetReport(
        signatures_anonymised=int(confirmed or 0), signatures_deleted=int(pending or 0),
        submissions=int(forms or 0), events=int(event_rows or 0), accounts=len(accounts),
        rate_limit_hits=hits, audit_entries=scrubbed,
    )  # fmt: skip
    record_audit(conn, by, "person.forget", "person", None, after=asdict(report), at=now)
    return report
