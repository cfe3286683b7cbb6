"""Label candidacies: who may open and run one, declared evidence checked by moderators,
the transparent score (value, evidence with sources, formula, what is missing),
reproducibility through ``as_of``, awards with validity."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from cartotech.domain import (
    ActorRecord,
    ActorType,
    AwardRecord,
    FactKind,
    FactRecord,
    SourceKind,
    SourceRecord,
    Unit,
)
from cartotech.domain.participation import CandidacyState, EventInput, SignatureInput, User
from cartotech.domain.participation_errors import InvalidState, PermissionDenied
from cartotech.errors import InputError, NotFound
from cartotech.geo import Referential
from cartotech.labels import programme_from_yaml
from cartotech.store import (
    add_award,
    add_fact,
    ensure_source,
    territory_awards,
    unit_of_work,
    upsert_actor,
)
from cartotech.store.candidacies import (
    add_candidacy_manager,
    award_candidacy,
    create_candidacy,
    get_candidacy,
    set_candidacy_state,
)
from cartotech.store.candidacy_evidence import (
    add_declared_evidence,
    decide_evidence,
    list_pending_evidence,
)
from cartotech.store.candidacy_scores import score_candidacy
from cartotech.store.events import accept_event, submit_event
from cartotech.store.petitions import confirm_signature, create_petition, sign_petition
from tests.participation.conftest import (
    BORDEAUX_EPCI,
    LILLE,
    LILLE_EPCI,
    NOW,
    MakeUser,
    actor_id,
)

AS_OF = NOW.date()
SOURCE = SourceRecord(key="candidacy-test", kind=SourceKind.CURATED, title="Candidacy test data")
# Three start-ups in Lille: two hold a current Pass French Tech, one an expired one.
STARTUPS = [
    ActorRecord(
        key=f"lille-startup-{i}",
        name=f"Lille Startup {i}",
        type=ActorType.STARTUP,
        source_key=SOURCE.key,
        territory_id=LILLE,
    )
    for i in range(3)
]


def _seed_directory(engine: Engine, referential: Referential) -> dict[str, int]:
    ids: dict[str, int] = {}
    with unit_of_work(engine) as conn:
        source_id, _ = ensure_source(conn, SOURCE)
        for record in STARTUPS:
            ids[record.key], _ = upsert_actor(conn, record, source_id, referential)
        jobs = [(0, 120, "2024"), (0, 150, "2025-06"), (0, 999, "2027"), (1, 30, None)]
        for index, value, as_of in jobs:  # startup 0: 150 (latest before as_of); startup 1: 30
            add_fact(
                conn,
                FactRecord(
                    kind=FactKind.JOBS,
                    value=value,
                    unit=Unit.COUNT,
                    source_key=SOURCE.key,
                    as_of=as_of,
                ),
                source_id=source_id,
                actor_id=ids[f"lille-startup-{index}"],
            )
        pass_id = actor_id(engine, "pass-french-tech")
        for index, until in ((0, None), (1, "2027-01-01"), (2, "2025-01-01")):
            add_award(
                conn,
                AwardRecord(
                    programme_key="pass-french-tech",
                    name="Pass French Tech",
                    source_key=SOURCE.key,
                    awarded_on="2024-01-01",
                    valid_until=until,
                ),
                source_id=source_id,
                programme_id=pass_id,
                actor_id=ids[f"lille-startup-{index}"],
            )
    return ids


def _candidacy(
    engine: Engine, referential: Referential, by: User, territories=(LILLE_EPCI,)
) -> int:
    with unit_of_work(engine) as conn:
        return create_candidacy(
            conn,
            programme_key="capitale-french-tech",
            name="French Tech Lille",
            territory_ids=list(territories),
            by=by,
            referential=referential,
            now=NOW,
        )


def test_territory_manager_cannot_touch_another_territory(
    directory_engine: Engine, referential: Referential, lille_manager: User, admin: User
) -> None:
    with pytest.raises(PermissionDenied, match=BORDEAUX_EPCI):
        _candidacy(directory_engine, referential, lille_manager, territories=(BORDEAUX_EPCI,))
    with pytest.raises(PermissionDenied):  # a coalition reaching outside the scope
        _candidacy(directory_engine, referential, lille_manager, territories=(LILLE, BORDEAUX_EPCI))
    bordeaux = _candidacy(directory_engine, referential, admin, territories=(BORDEAUX_EPCI,))
    with pytest.raises(PermissionDenied), unit_of_work(directory_engine) as conn:
        add_declared_evidence(
            conn,
            bordeaux,
            "legal_entity",
            kind="link",
            reference="https://example.org/statuts",
            by=lille_manager,
            referential=referential,
            now=NOW,
        )
    with pytest.raises(PermissionDenied), unit_of_work(directory_engine) as conn:
        set_candidacy_state(
            conn,
            bordeaux,
            CandidacyState.WITHDRAWN,
            by=lille_manager,
            referential=referential,
            now=NOW,
        )
    with pytest.raises(PermissionDenied), unit_of_work(directory_engine) as conn:
        create_petition(
            conn,
            title="Bordeaux",
            candidacy_id=bordeaux,
            by=lille_manager,
            referential=referential,
            now=NOW,
        )
    # Inside the scope: a commune of the métropole is fine.
    assert _candidacy(directory_engine, referential, lille_manager, territories=(LILLE,))


def test_managers_run_the_candidacy_they_were_added_to(
    directory_engine: Engine, referential: Referential, lille_manager: User, make_user: MakeUser
) -> None:
    helper = make_user("helper@example.org")
    candidacy = _candidacy(directory_engine, referential, lille_manager)
    with pytest.raises(PermissionDenied), unit_of_work(directory_engine) as conn:
        set_candidacy_state(
            conn, candidacy, CandidacyState.SUBMITTED, by=helper, referential=referential, now=NOW
        )
    with unit_of_work(directory_engine) as conn:
        add_candidacy_manager(conn, candidacy, helper.id, by=lille_manager, referential=referential)
        set_candidacy_state(
            conn, candidacy, CandidacyState.SUBMITTED, by=helper, referential=referential, now=NOW
        )
        data = get_candidacy(conn, candidacy)
    assert data["state"] == "submitted"
    assert [m["id"] for m in data["managers"]] == sorted([lille_manager.id, helper.id])


def test_score_shows_value_evidence_formula_and_what_is_missing(
    directory_engine: Engine,
    referential: Referential,
    lille_manager: User,
    moderator: User,
) -> None:
    ids = _seed_directory(directory_engine, referential)
    candidacy = _candidacy(directory_engine, referential, lille_manager)
    with unit_of_work(directory_engine) as conn:
        legal = add_declared_evidence(
            conn,
            candidacy,
            "legal_entity",
            kind="link",
            reference="https://example.org/statuts.pdf",
            by=lille_manager,
            referential=referential,
            now=NOW,
        )
        add_declared_evidence(
            conn,
            candidacy,
            "manifesto",
            kind="upload",
            reference="cd" * 32,
            content_type="application/pdf",
            by=lille_manager,
            referential=referential,
            now=NOW,
        )
        decide_evidence(conn, legal, accept=True, by=moderator, now=NOW)
        petition = create_petition(
            conn,
            title="Lille capitale",
            candidacy_id=candidacy,
            by=lille_manager,
            referential=referential,
            now=NOW,
        )
        tokens = [
            sign_petition(
                conn,
                petition,
                SignatureInput(name=f"P{i}", email=f"p{i}@example.org"),
                ip=None,
                now=NOW,
            ).token
            for i in range(4)
        ]
        for token in tokens[:3]:  # the fourth stays unconfirmed
            confirm_signature(conn, token or "", now=NOW)
        starts = [NOW - timedelta(days=30), NOW - timedelta(days=200), NOW - timedelta(days=400)]
        event_ids = []
        for start in starts:
            event = EventInput(
                title=f"Meetup {start:%Y-%m}",
                starts_at=start,
                territory_id=LILLE,
                contact_email="x@example.org",
            )
            event_ids.append(submit_event(conn, event, referential=referential, now=NOW))
            accept_event(conn, event_ids[-1], by=moderator, referential=referential, now=NOW)
        submit_event(
            conn,
            replace(event, starts_at=NOW - timedelta(days=1)),  # not accepted
            referential=referential,
            now=NOW,
        )
    with directory_engine.connect() as conn:
        score = score_candidacy(conn, candidacy, as_of=AS_OF, referential=referential)
        again = score_candidacy(conn, candidacy, as_of=AS_OF, referential=referential)
    assert score == again  # same data, same as_of: same score
    by_key = {c.criterion.key: c for c in score.criteria}

    startups = by_key["startups"]
    assert startups.value == 3
    assert {e.id for e in startups.evidence} == set(ids.values())
    assert all(e.source["key"] == SOURCE.key for e in startups.evidence)
    assert startups.formula == "points = 20 × min(1, 3 / 100) = 0.6"
    assert startups.missing == "97 more actors needed to reach 100"

    support = by_key["support_structures"]  # Euratechnologies is in Lille
    assert [e.label for e in support.evidence] == ["Euratechnologies"]
    assert support.evidence[0].source["key"]  # the curated directory's source

    pass_ft = by_key["pass_french_tech"]  # the expired one is not counted
    assert pass_ft.value == 2
    assert pass_ft.points == 0
    assert pass_ft.formula == "points = 10 if 2 ≥ 5 else 0 = 0"

    jobs = by_key["jobs"]  # latest figure per actor at as_of; the 2027 one is in the future
    assert jobs.value == 180
    assert sorted(e.value for e in jobs.evidence) == [30, 150]
    assert all(e.kind == "fact" for e in jobs.evidence)

    signatures = by_key["support_signatures"]
    assert signatures.value == 3
    assert signatures.evidence[0].id == petition

    events = by_key["events"]  # accepted, within 365 days of as_of
    assert [e.id for e in events.evidence] == [event_ids[1], event_ids[0]]

    assert by_key["legal_entity"].met
    assert by_key["legal_entity"].evidence[0].source["url"] == "https://example.org/statuts.pdf"
    manifesto = by_key["manifesto"]
    assert not manifesto.met
    assert manifesto.missing == "evidence submitted, waiting for a moderator's check"
    assert by_key["operational_team"].missing.startswith("no evidence yet")

    assert not score.eligible
    assert set(score.missing_required) == {
        "entrepreneur_governance",
        "operational_team",
        "manifesto",
        "pass_french_tech",
    }
    assert score.total == pytest.approx(sum(c.points for c in score.criteria))  # exact inside
    assert score.formula.endswith(f"= {score.total:g}")
    assert score.formula.startswith("total = 5 + 0 + 0 + 0 + 0 + 0.6 + ")
    assert score.max_total == 100

    # A past as_of is reproducible: earlier data only.
    with directory_engine.connect() as conn:
        past = score_candidacy(conn, candidacy, as_of=date(2025, 1, 1), referential=referential)
    past_by_key = {c.criterion.key: c for c in past.criteria}
    assert past_by_key["support_signatures"].value == 0  # confirmed in 2026
    assert past_by_key["jobs"].value == 120 + 30  # the 2025-06 figure did not exist yet
    assert past_by_key["legal_entity"].value == 0


def test_coalition_counts_every_member(
    directory_engine: Engine, referential: Referential, admin: User
) -> None:
    programme = programme_from_yaml(
        """
version: 1
key: communaute-french-tech
name: {fr: Test, en: Test}
about: {fr: Test, en: Test}
illustrative: true
criteria:
  - key: associations
    kind: actor_count
    actor_types: [association]
    threshold: 2
    weight: 10
    label: {fr: Associations, en: Associations}
""",
        "test.yaml",
    )
    with unit_of_work(directory_engine) as conn:
        candidacy = create_candidacy(
            conn,
            programme_key="communaute-french-tech",
            name="Côte d'Azur",
            territory_ids=["group:cote-d-azur"],
            by=admin,
            referential=referential,
            now=NOW,
        )
        score = score_candidacy(
            conn, candidacy, as_of=AS_OF, referential=referential, programme=programme
        )
    names = [e.label for e in score.criteria[0].evidence]
    # Telecom Valley sits in Valbonne (Sophia Antipolis, inside the coalition); the coalition's
    # own association is placed on the group itself.
    assert names == ["French Tech Côte d'Azur", "Telecom Valley"]
    assert score.total == 10


def test_declared_evidence_rules(
    directory_engine: Engine, referential: Referential, lille_manager: User, moderator: User
) -> None:
    candidacy = _candidacy(directory_engine, referential, lille_manager)
    for criterion, kind, reference, error in (
        ("startups", "link", "https://example.org", InputError),  # computed: no evidence
        ("legal_entity", "link", "javascript:alert(1)", InputError),
        ("legal_entity", "email", "x", InputError),
        ("nope", "link", "https://example.org", NotFound),
        ("manifesto", "upload", "uploads/x.pdf", InputError),  # only a sha256 names a file
        ("manifesto", "upload", "../" + "a" * 61, InputError),
        ("manifesto", "upload", "ab" * 32, InputError),  # no content type found from its bytes
    ):
        with pytest.raises(error), unit_of_work(directory_engine) as conn:
            add_declared_evidence(
                conn,
                candidacy,
                criterion,
                kind=kind,
                reference=reference,
                by=lille_manager,
                referential=referential,
                now=NOW,
            )
    with unit_of_work(directory_engine) as conn:
        evidence = add_declared_evidence(
            conn,
            candidacy,
            "manifesto",
            kind="upload",
            reference="ab" * 32,
            file_name="Manifeste.pdf",
            content_type="application/pdf",
            by=lille_manager,
            referential=referential,
            now=NOW,
        )
    with pytest.raises(PermissionDenied), unit_of_work(directory_engine) as conn:
        decide_evidence(conn, evidence, accept=True, by=lille_manager, now=NOW)
    with pytest.raises(InputError, match="reason"), unit_of_work(directory_engine) as conn:
        decide_evidence(conn, evidence, accept=False, by=moderator, now=NOW)
    with unit_of_work(directory_engine) as conn:
        decide_evidence(conn, evidence, accept=False, by=moderator, reason="Unsigned", now=NOW)
    with pytest.raises(InvalidState), unit_of_work(directory_engine) as conn:
        decide_evidence(conn, evidence, accept=True, by=moderator, now=NOW)


def test_award_with_validity_shows_on_the_territory(
    directory_engine: Engine, referential: Referential, lille_manager: User, admin: User
) -> None:
    candidacy = _candidacy(directory_engine, referential, lille_manager)
    announcement = SourceRecord(
        key="ft-2026", kind=SourceKind.PUBLIC_RECORD, title="Mission French Tech, 2026 labels"
    )
    with pytest.raises(PermissionDenied), unit_of_work(directory_engine) as conn:
        award_candidacy(
            conn,
            candidacy,
            awarded_on=date(2026, 2, 2),
            source=announcement,
            by=lille_manager,
            now=NOW,
        )
    with unit_of_work(directory_engine) as conn:
        assert (
            award_candidacy(
                conn, candidacy, awarded_on=date(2026, 2, 2), source=announcement, by=admin, now=NOW
            )
            == 1
        )
    with directory_engine.connect() as conn:
        held = [a for a in territory_awards(conn, LILLE_EPCI) if a["awarded_on"] == "2026-02-02"]
        assert get_candidacy(conn, candidacy)["state"] == "awarded"
    assert len(held) == 1
    assert held[0]["valid_until"] == "2029-02-02"  # three years, from the programme
    assert held[0]["source"]["key"] == "ft-2026"
    assert held[0]["programme_name"] == "Capitale French Tech"
    with pytest.raises(InvalidState), unit_of_work(directory_engine) as conn:
        set_candidacy_state(
            conn,
            candidacy,
            CandidacyState.WITHDRAWN,
            by=lille_manager,
            referential=referential,
            now=NOW,
        )


def test_unknown_programme_and_territory(
    directory_engine: Engine, referential: Referential, admin: User
) -> None:
    with (
        pytest.raises(NotFound, match="capitale-french-tech"),
        unit_of_work(directory_engine) as conn,
    ):
        create_candidacy(
            conn,
            programme_key="nope",
            name="X",
            territory_ids=[LILLE],
            by=admin,
            referential=referential,
            now=NOW,
        )
    with pytest.raises(InputError, match="fr:epci:1"), unit_of_work(directory_engine) as conn:
        create_candidacy(
            conn,
            programme_key="capitale-french-tech",
            name="X",
            territory_ids=["fr:epci:1"],
            by=admin,
            referential=referential,
        )


def test_pending_evidence_across_candidacies(
    directory_engine: Engine, referential: Referential, admin: User, moderator: User
) -> None:
    lille = _candidacy(directory_engine, referential, admin)
    bordeaux = _candidacy(directory_engine, referential, admin, territories=(BORDEAUX_EPCI,))
    ids = []
    for candidacy, minutes in ((lille, 2), (bordeaux, 1), (lille, 3)):
        with unit_of_work(directory_engine) as conn:
            ids.append(
                add_declared_evidence(
                    conn,
                    candidacy,
                    "legal_entity",
                    kind="link",
                    reference=f"https://example.org/{minutes}",
                    by=admin,
                    referential=referential,
                    now=NOW + timedelta(minutes=minutes),
                )  # fmt: skip
            )
    with unit_of_work(directory_engine) as conn:
        decide_evidence(conn, ids[2], accept=True, by=moderator, now=NOW)
        rows, total = list_pending_evidence(conn)
        assert (total, [r["id"] for r in rows]) == (2, [ids[1], ids[0]])  # oldest first
        assert rows[1]["candidacy_name"] == "French Tech Lille"
        assert rows[1]["programme_key"] == "capitale-french-tech"
        rows, total = list_pending_evidence(conn, territory_ids=[LILLE_EPCI])
        assert (total, [r["id"] for r in rows]) == (1, [ids[0]])
        assert list_pending_evidence(conn, territory_ids=[]) == ([], 0)
        rows, total = list_pending_evidence(conn, limit=1, offset=1)
        assert (total, [r["id"] for r in rows]) == (2, [ids[0]])
