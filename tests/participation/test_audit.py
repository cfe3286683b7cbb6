"""The audit log: entries written in the same transaction as their change, filters,
pagination; a write failing midway leaves neither the change nor its entry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select

from cartotech.domain import ActorType
from cartotech.domain.participation import ActorSubmission, SystemActor, User
from cartotech.errors import InputError
from cartotech.geo import Referential
from cartotech.store import moderation as moderation_module
from cartotech.store import unit_of_work
from cartotech.store.audit import AuditQuery, audit_trail, list_audit, record_audit
from cartotech.store.moderation import accept_submission
from cartotech.store.schema import actors, audit_log
from cartotech.store.submissions import present_organisation, verify_submission
from tests.participation.conftest import LILLE, NOW


def test_filters_and_pages(directory_engine: Engine, admin: User) -> None:
    with unit_of_work(directory_engine) as conn:
        for i in range(7):
            record_audit(
                conn,
                SystemActor.PRESS_PIPELINE,
                "document.record",
                "document",
                i,
                after={"n": i},
                at=NOW + timedelta(minutes=i),
            )
        record_audit(
            conn,
            admin,
            "actor.update",
            "actor",
            3,
            before={"name": "A"},
            after={"name": "B"},
            at=NOW + timedelta(hours=1),
        )
    with directory_engine.connect() as conn:
        page = list_audit(conn, AuditQuery(who="press-pipeline", limit=3, offset=3))
        assert page.total == 7
        assert [e.entity_id for e in page.items] == ["3", "2", "1"]  # newest first
        by_admin = list_audit(conn, AuditQuery(user_id=admin.id, action="actor.")).items
        assert [(e.who, e.user_email, e.before, e.after) for e in by_admin] == [
            (f"user:{admin.id}", "admin@example.org", {"name": "A"}, {"name": "B"})
        ]
        window = list_audit(
            conn, AuditQuery(since=NOW + timedelta(minutes=2), until=NOW + timedelta(minutes=4))
        )
        assert [e.entity_id for e in window.items] == ["3", "2"]
        assert [e.entity_id for e in audit_trail(conn, "document", 5)] == ["5"]
        # Filter values are data, never SQL.
        assert list_audit(conn, AuditQuery(action="x' OR '1'='1")).total == 0
        assert list_audit(conn, AuditQuery(action="%.")).total == 0
    with pytest.raises(InputError), directory_engine.connect() as conn:
        list_audit(conn, AuditQuery(limit=10_000))


def test_a_failure_midway_leaves_nothing(
    directory_engine: Engine, referential: Referential, moderator: User, monkeypatch
) -> None:
    form = ActorSubmission(
        name="Atomic Start",
        type=ActorType.STARTUP,
        territory_id=LILLE,
        contact_email="atomic@example.org",
    )
    with unit_of_work(directory_engine) as conn:
        receipt = present_organisation(conn, form, referential=referential, now=NOW)
        verify_submission(conn, receipt.token or "", now=NOW)
    with directory_engine.connect() as conn:
        actors_before = conn.execute(select(func.count()).select_from(actors)).scalar_one()
        entries_before = conn.execute(select(func.count()).select_from(audit_log)).scalar_one()

    def broken(*_args, **_kwargs):
        raise RuntimeError("mail server exploded")

    monkeypatch.setattr(moderation_module, "issue_password_token", broken)
    with pytest.raises(RuntimeError), unit_of_work(directory_engine) as conn:
        accept_submission(
            conn, receipt.submission_id, by=moderator, referential=referential, now=NOW
        )
    with directory_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(actors)).scalar_one() == actors_before
        assert (
            conn.execute(select(func.count()).select_from(audit_log)).scalar_one() == entries_before
        )
        assert [e.action for e in audit_trail(conn, "submission", receipt.submission_id)] == [
            "submission.new",
            "submission.verify",
        ]
