"""Support petitions: confirmation by email, one signature per person, rate limits,
public lists and export, and erasure of a person that keeps the counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select

from cartotech.domain.participation import SignatureInput, SystemActor, User
from cartotech.domain.participation_errors import (
    InvalidState,
    InvalidToken,
    PermissionDenied,
    RateLimited,
    TokenExpired,
)
from cartotech.geo import Referential
from cartotech.store import unit_of_work
from cartotech.store.audit import AuditQuery, list_audit
from cartotech.store.petitions import (
    SignatureReceipt,
    close_petition,
    confirm_signature,
    create_petition,
    get_petition,
    list_petitions,
    petition_count,
    petition_signatories,
    sign_petition,
    signature_export_rows,
)
from cartotech.store.privacy import ERASED, forget_email
from cartotech.store.schema import audit_log, petition_signatures, rate_limit_hits
from tests.participation.conftest import NOW, MakeUser, actor_id

XSS = "<script>alert('x')</script>"


@pytest.fixture
def petition_id(directory_engine: Engine, referential: Referential, moderator: User) -> int:
    with unit_of_work(directory_engine) as conn:
        return create_petition(
            conn,
            title="Soutenez la French Tech Lille !",
            by=moderator,
            referential=referential,
            now=NOW,
        )


def _sign(
    engine: Engine,
    petition: int,
    email: str,
    *,
    ip: str | None = "192.0.2.1",
    name: str = "Camille Martin",
    minutes: int = 0,
    **kw,
):
    signature = SignatureInput(name=name, email=email, **kw)
    with unit_of_work(engine) as conn:
        return sign_petition(conn, petition, signature, ip=ip, now=NOW + timedelta(minutes=minutes))


def _confirm(engine: Engine, token: str | None, minutes: int = 1) -> tuple[int, bool]:
    assert token is not None
    with unit_of_work(engine) as conn:
        return confirm_signature(conn, token, now=NOW + timedelta(minutes=minutes))


def _count(engine: Engine, petition: int) -> int:
    with engine.connect() as conn:
        return petition_count(conn, petition)


def test_unconfirmed_signatures_are_never_counted_listed_or_exported(
    directory_engine: Engine, petition_id: int
) -> None:
    receipt = _sign(directory_engine, petition_id, "camille@example.org", show_name=True)
    assert receipt.status == "pending"
    with directory_engine.connect() as conn:
        assert petition_count(conn, petition_id) == 0
        assert get_petition(conn, petition_id)["count"] == 0
        assert petition_signatories(conn, petition_id).names == []
        assert signature_export_rows(conn, petition_id) == []
        assert list_petitions(conn)[0]["count"] == 0
        stored = conn.execute(select(petition_signatures.c.token_hash)).scalar_one()
        assert receipt.token not in stored
    assert _confirm(directory_engine, receipt.token) == (petition_id, True)
    assert _confirm(directory_engine, receipt.token) == (petition_id, False)  # a second click
    assert _count(directory_engine, petition_id) == 1


def test_email_variants_sign_once(directory_engine: Engine, petition_id: int) -> None:
    first = _sign(directory_engine, petition_id, "jean.dupont@gmail.com")
    _confirm(directory_engine, first.token)
    variants = [
        "Jean.Dupont@GMAIL.com",
        " jeandupont+lille@googlemail.com ",
        "j.e.a.n.dupont@gmail.com",
    ]
    for minutes, email in enumerate(variants, start=2):
        again = _sign(
            directory_engine, petition_id, email, ip=f"198.51.100.{minutes}", minutes=minutes
        )
        assert again.status == "already_confirmed"
        assert again.token is None
        assert again.signature_id == first.signature_id
    # Dots count outside Gmail: another person.
    other = _sign(directory_engine, petition_id, "jean.dupont@example.org", ip="198.51.100.9")
    _confirm(directory_engine, other.token)
    assert _count(directory_engine, petition_id) == 2


def test_signing_again_before_confirming_refreshes_the_link(
    directory_engine: Engine, petition_id: int
) -> None:
    first = _sign(directory_engine, petition_id, "ada@example.org", name="Ada")
    second = _sign(directory_engine, petition_id, "ADA+x@example.org", name="Ada L.", minutes=1)
    assert second.signature_id == first.signature_id
    assert second.token != first.token
    with pytest.raises(InvalidToken), unit_of_work(directory_engine) as conn:
        confirm_signature(conn, first.token or "", now=NOW)
    _confirm(directory_engine, second.token)
    with directory_engine.connect() as conn:
        assert petition_count(conn, petition_id) == 1
        rows = conn.execute(select(func.count()).select_from(petition_signatures)).scalar_one()
        assert rows == 1


def _attempt(engine: Engine, petition: int, i: int) -> SignatureReceipt | RateLimited:
    try:
        return _sign(engine, petition, f"bot{i}@example.org", ip="203.0.113.7")
    except RateLimited as refused:
        return refused


def test_two_hundred_signatures_from_one_ip_in_a_minute_are_throttled(
    directory_engine: Engine, petition_id: int
) -> None:
    outcomes = [_attempt(directory_engine, petition_id, i) for i in range(200)]
    accepted = [o for o in outcomes if not isinstance(o, RateLimited)]
    refusals = [o for o in outcomes if isinstance(o, RateLimited)]
    assert {(r.status_code, r.retry_after > 0) for r in refusals} == {(429, True)}
    assert "signatures from this address" in refusals[0].message
    assert len(accepted) == 20  # SIGN_PER_IP: 20 per 10 minutes
    assert len(refusals) == 180
    for receipt in accepted:
        _confirm(directory_engine, receipt.token)
    assert _count(directory_engine, petition_id) == 20  # none counted twice
    with directory_engine.connect() as conn:
        hits = conn.execute(
            select(func.count())
            .select_from(rate_limit_hits)
            .where(rate_limit_hits.c.bucket == "sign-ip")
        ).scalar_one()
        assert hits == 20  # refused attempts leave nothing behind
        assert "203.0.113.7" not in str(conn.execute(select(rate_limit_hits)).all())
    # Another address is not throttled; ten minutes later this one signs again.
    assert _sign(directory_engine, petition_id, "human@example.org", ip="198.51.100.1").token
    assert _sign(
        directory_engine, petition_id, "late@example.org", ip="203.0.113.7", minutes=11
    ).token


def test_one_email_is_throttled_too(
    directory_engine: Engine, referential: Referential, petition_id: int, moderator: User
) -> None:
    for i in range(5):
        _sign(directory_engine, petition_id, "spam@example.org", ip=f"198.51.100.{i}")
    with pytest.raises(RateLimited) as caught:
        _sign(directory_engine, petition_id, "SPAM+6@example.org", ip="198.51.100.99")
    assert caught.value.field == "email"


def test_expired_link_closed_petition(
    directory_engine: Engine, referential: Referential, petition_id: int, moderator: User
) -> None:
    old = _sign(directory_engine, petition_id, "old@example.org")
    with pytest.raises(TokenExpired):
        _confirm(directory_engine, old.token, minutes=8 * 24 * 60)
    late = _sign(directory_engine, petition_id, "late@example.org")
    with unit_of_work(directory_engine) as conn:
        close_petition(conn, petition_id, by=moderator, referential=referential, now=NOW)
    with pytest.raises(InvalidState):
        _confirm(directory_engine, late.token)
    with pytest.raises(InvalidState):
        _sign(directory_engine, petition_id, "after@example.org")
    assert _count(directory_engine, petition_id) == 0


def test_public_lists_and_export_respect_consent(
    directory_engine: Engine, petition_id: int
) -> None:
    euratech = actor_id(directory_engine, "euratechnologies")
    signatures = [
        ("ada@example.org", "Ada", True, euratech, "Allez Lille"),
        ("bob@example.org", "Bob", False, euratech, "secret comment"),
        ("eve@example.org", XSS, True, None, XSS),
    ]
    for minute, (email, name, shown, organisation, comment) in enumerate(signatures):
        receipt = _sign(
            directory_engine,
            petition_id,
            email,
            name=name,
            show_name=shown,
            organisation_actor_id=organisation,
            comment=comment,
            ip=f"198.51.100.{minute}",
            minutes=minute,
        )
        _confirm(directory_engine, receipt.token, minutes=minute + 1)
    with directory_engine.connect() as conn:
        public = petition_signatories(conn, petition_id)
        rows = signature_export_rows(conn, petition_id)
    assert public.count == 3
    assert public.names == ["Ada", XSS]  # Bob did not consent; hostile text kept verbatim
    assert public.organisations == [(euratech, "Euratechnologies", 2)]
    assert [r["name"] for r in rows] == ["Ada", "", XSS]
    assert [r["comment"] for r in rows] == ["Allez Lille", "", XSS]
    assert all("@" not in str(row) for row in rows)


def test_forget_erases_the_person_and_keeps_the_counts(
    directory_engine: Engine, referential: Referential, petition_id: int, make_user: MakeUser
) -> None:
    euratech = actor_id(directory_engine, "euratechnologies")
    confirmed = _sign(
        directory_engine,
        petition_id,
        "Ada.Lovelace@gmail.com",
        name="Ada Lovelace",
        show_name=True,
        organisation_actor_id=euratech,
        comment="Oui",
    )
    _confirm(directory_engine, confirmed.token)
    other = _sign(
        directory_engine,
        petition_id,
        "bob@example.org",
        name="Bob",
        show_name=True,
        ip="198.51.100.3",
    )
    _confirm(directory_engine, other.token)
    with unit_of_work(directory_engine) as conn:  # a second petition, left pending
        second = create_petition(
            conn, title="Autre", by=SystemActor.CLI, referential=referential, now=NOW
        )
    _sign(directory_engine, second, "adalovelace@gmail.com", name="Ada Lovelace", ip="198.51.100.4")
    make_user("adalovelace@gmail.com", password=None)
    with directory_engine.connect() as conn:
        before_rows = signature_export_rows(conn, petition_id)
    with unit_of_work(directory_engine) as conn:
        report = forget_email(
            conn, "ADALOVELACE+anything@googlemail.com", by=SystemActor.CLI, now=NOW
        )
    assert report.signatures_anonymised == 1
    assert report.signatures_deleted == 1
    assert report.accounts == 1
    with directory_engine.connect() as conn:
        assert petition_count(conn, petition_id) == 2  # the count is unchanged
        assert petition_count(conn, second) == 0
        public = petition_signatories(conn, petition_id)
        assert public.names == ["Bob"]
        assert public.organisations == []
        rows = signature_export_rows(conn, petition_id)
        assert len(rows) == len(before_rows) == 2
        assert (rows[0]["name"], rows[0]["organisation"]) == ("", "")
        everything = " ".join(str(r) for r in conn.execute(select(petition_signatures)).all())
        audit = " ".join(str(r) for r in conn.execute(select(audit_log)).all())
        for trace in ("lovelace", "Lovelace"):
            assert trace not in everything
            assert trace not in audit
        assert ERASED in audit  # the account's creation entry was scrubbed
        forget = list_audit(conn, AuditQuery(action="person.forget")).items[0]
        assert forget.who == "cli"
        assert forget.after["signatures_anonymised"] == 1


def test_only_managers_and_moderators_open_petitions(
    directory_engine: Engine, referential: Referential, make_user: MakeUser
) -> None:
    nobody = make_user("nobody@example.org")
    with pytest.raises(PermissionDenied), unit_of_work(directory_engine) as conn:
        create_petition(conn, title="Mine", by=nobody, referential=referential, now=NOW)
