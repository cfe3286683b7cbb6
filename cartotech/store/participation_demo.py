"""The participation part of the demo database: a candidacy with evidence, its petition
with confirmed signatures, events, funding calls. Deterministic and idempotent.

Runs after the curated directory is imported (it refers to its actors by key)
and writes everything in one transaction, through the same store functions as
the web forms, each change in the audit log as ``import``. People are
fictional (``@demo.invalid`` addresses, no password: nobody can log in with
them); the funding calls come from the seed articles (``seed-002``) and from
the demo press articles of ``cartotech/data/press`` (fictional, CC0).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select

from cartotech.domain import SourceKind, SourceRecord
from cartotech.domain.participation import (
    CandidacyState,
    EventInput,
    FundingCallInput,
    FundingKind,
    Role,
    RoleGrant,
    SignatureInput,
    SystemActor,
)
from cartotech.errors import ConfigurationError
from cartotech.geo import Referential
from cartotech.store.accounts import create_user
from cartotech.store.actors import actor_ids_by_key
from cartotech.store.candidacies import create_candidacy, set_candidacy_state
from cartotech.store.candidacy_evidence import add_declared_evidence, decide_evidence
from cartotech.store.engine import unit_of_work
from cartotech.store.events import accept_event, submit_event
from cartotech.store.evidence_files import EvidenceFiles
from cartotech.store.funding import add_funding_call
from cartotech.store.petitions import confirm_signature, create_petition, sign_petition
from cartotech.store.schema import petitions
from cartotech.store.sources import ensure_source, source_id_by_key

__all__ = ["DEMO_PETITION_SLUG", "ParticipationDemo", "load_participation_demo"]

DEMO_PETITION_SLUG = "french-tech-lille-capitale"
# The demo's clock: rows are dated as if written then.
DEMO_NOW = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
DEMO_SOURCE = SourceRecord(
    key="demo-participation",
    kind=SourceKind.CURATED,
    title="cartotech demo: fictional participation data and demo press articles (CC0)",
    file_name="cartotech/data/press/",
)
SUPPORTERS = [  # (name, shows name, organisation key or None)
    ("Camille Dufresne", True, "euratechnologies"), ("Yanis Belkacem", True, None),
    ("Louise Carpentier", False, "euratechnologies"), ("Hugo Vandamme", True, "france-digitale"),
    ("Inès Lefebvre", True, None), ("Théo Delattre", False, None),
    ("Sarah Meziane", True, "euratechnologies"), ("Lucas Wattelle", True, None),
    ("Emma Declercq", False, None), ("Nathan Six", True, None),
    ("Chloé Dubrulle", True, "lilles-tech-days"), ("Maxime Leroy", False, None),
]  # fmt: skip
LILLE_EPCI = "fr:epci:200093201"


@dataclass
class ParticipationDemo:
    created: bool
    candidacy_id: int | None = None
    petition_id: int | None = None
    event_ids: list[int] = field(default_factory=list)
    funding_call_ids: list[int] = field(default_factory=list)


def _events(keys: dict[str, int]) -> list[tuple[EventInput, bool]]:
    def at(day: str, hour: int = 9) -> datetime:
        return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)

    contact = "events@demo.invalid"
    return [
        (
            EventInput(
                title="Lille's Tech Days 2026",
                starts_at=at("2026-06-09", 8),
                ends_at=at("2026-06-10", 18),
                territory_id="fr:commune:59350",
                place_label="Euratechnologies",
                organiser_actor_id=keys["euratechnologies"],
                url="https://press.example/en/2025/06/12/lilles-tech-days-euratechnologies",
                contact_email=contact,
            ),
            True,
        ),
        (
            EventInput(
                title="Atelier : préparer la candidature Capitale French Tech",
                starts_at=at("2025-11-20", 14),
                ends_at=at("2025-11-20", 17),
                territory_id="fr:commune:59350",
                place_label="Euratechnologies",
                organiser_actor_id=keys["euratechnologies"],
                contact_email=contact,
            ),
            True,
        ),
        (
            EventInput(
                title="Apéro start-up de Roubaix",
                starts_at=at("2025-12-04", 18),
                territory_id="fr:commune:59512",
                contact_email=contact,
            ),
            True,
        ),
        (
            EventInput(
                title="Rencontres du logiciel libre",
                starts_at=at("2026-03-12"),
                all_day=True,
                territory_id="fr:commune:33063",
                organiser_actor_id=keys["aquinetic"],
                contact_email=contact,
            ),
            True,
        ),
        (
            EventInput(
                title="Emerging Valley 2026",
                starts_at=at("2026-04-01"),
                ends_at=at("2026-04-02"),
                all_day=True,
                territory_id="fr:commune:13055",
                organiser_actor_id=keys["emerging-valley"],
                contact_email=contact,
            ),
            True,
        ),
        (
            EventInput(
                title="Meetup robotique (en attente de modération)",
                starts_at=at("2026-02-19", 19),
                territory_id="fr:commune:59350",
                contact_email=contact,
            ),
            False,
        ),
    ]


def _calls(keys: dict[str, int]) -> list[tuple[FundingCallInput, str]]:
    return [
        (
            FundingCallInput(
                funder_actor_id=keys["bordeaux-metropole"],
                kind=FundingKind.CALL_FOR_PROJECTS,
                title="Appel à projets logiciel libre",
                amount=350_000,
                deadline="2025-06-30",
                territory_id="fr:epci:243300316",
                sectors=("open_source", "software"),
                cohort_size_per_year=6,
                url="https://press.example/fr/2025/04/08/bordeaux-appel-a-projets-logiciel-libre",
                description="Jusqu'à 50 000 euros par lauréat.",
            ),
            DEMO_SOURCE.key,
        ),
        (
            FundingCallInput(
                funder_actor_id=keys["euratechnologies"],
                kind=FundingKind.FUND,
                title="Fonds d'amorçage hardware et robotique",
                amount=4_000_000,
                opens_on="2026-03-01",
                territory_id="fr:region:32",
                sectors=("hardware", "robotics"),
                cohort_size_per_year=8,
                description="Tickets jusqu'à 400 000 euros, 8 à 10 entreprises par an.",
            ),
            DEMO_SOURCE.key,
        ),
        (
            FundingCallInput(
                funder_actor_id=keys["nubbo"],
                kind=FundingKind.PROGRAMME,
                title="Promotion de l'incubateur Nubbo",
                amount=30_000,
                territory_id="fr:region:76",
                sectors=("biotech", "chemistry", "hardware", "software"),
                cohort_size_per_year=9,
                description="18 mois d'accompagnement, prêt d'honneur jusqu'à 30 000 euros.",
            ),
            DEMO_SOURCE.key,
        ),
        (
            FundingCallInput(
                funder_actor_id=keys["conseil-regional-aquitaine"],
                title="Appel à projets économie collaborative",
                amount=550_000,
                territory_id="fr:region:75",
                sectors=("collaborative_economy",),
                description="Échéance non précisée par la source.",
            ),
            "seed-002",
        ),
        (
            FundingCallInput(
                funder_actor_id=keys["banquiz"],
                kind=FundingKind.PROGRAMME,
                title="Accélérateur Banquiz (logiciel libre)",
                territory_id="fr:region:75",
                sectors=("open_source", "software"),
                cohort_size_per_year=6,
            ),
            "seed-002",
        ),
        (
            FundingCallInput(
                funder_actor_id=keys["bpifrance"],
                kind=FundingKind.FUND,
                title="French Tech : accélération des start-up",
                amount=200_000_000,
            ),
            "seed-002",
        ),
    ]


_ACTOR_KEYS = {
    "euratechnologies", "aquinetic", "emerging-valley", "bordeaux-metropole", "nubbo",
    "conseil-regional-aquitaine", "banquiz", "bpifrance", "france-digitale", "lilles-tech-days",
}  # fmt: skip


# The demo's uploaded evidence: a one-page PDF (fictitious manifesto).
DEMO_MANIFESTO = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def load_participation_demo(
    engine: Engine, referential: Referential, files: EvidenceFiles | None = None
) -> ParticipationDemo:
    """Add the demo's participation data unless it is there already (see the module
    docstring); the curated directory must be imported first. The uploaded manifesto
    is written to ``files`` when given (the row cites it by its hash either way)."""
    by = SystemActor.IMPORT
    now = DEMO_NOW
    if files is not None:
        files.save(io.BytesIO(DEMO_MANIFESTO))
    with unit_of_work(engine) as conn:
        if conn.execute(
            select(petitions.c.id).where(petitions.c.slug == DEMO_PETITION_SLUG)
        ).first():
            return ParticipationDemo(created=False)
        keys = actor_ids_by_key(conn, _ACTOR_KEYS)
        if set(keys) != _ACTOR_KEYS or source_id_by_key(conn, "seed-002") is None:
            raise ConfigurationError(
                "the participation demo needs the curated directory: import it first "
                "(`cartotech import cartotech/data/directory.yaml`)"
            )
        demo_source, _ = ensure_source(conn, DEMO_SOURCE)
        manager = create_user(
            conn, "equipe.lille@demo.invalid", by=by, display_name="Équipe French Tech Lille",
            roles=(RoleGrant(Role.TERRITORY_MANAGER, territory_id=LILLE_EPCI),), now=now,
            referential=referential,
        )  # fmt: skip
        moderator = create_user(conn, "moderation@demo.invalid", by=by, display_name="Modération",
                                roles=(RoleGrant(Role.MODERATOR),), now=now)  # fmt: skip
        candidacy = create_candidacy(
            conn, programme_key="capitale-french-tech", name="French Tech Lille",
            territory_ids=[LILLE_EPCI], by=manager, referential=referential, now=now,
        )  # fmt: skip
        legal = add_declared_evidence(
            conn, candidacy, "legal_entity", kind="link", by=manager, referential=referential,
            reference="https://example.org/french-tech-lille/statuts.pdf", now=now,
            note="Statuts de l'association French Tech Lille (exemple fictif)",
        )  # fmt: skip
        decide_evidence(conn, legal, accept=True, by=moderator, now=now)
        add_declared_evidence(conn, candidacy, "manifesto", kind="upload",
                              reference=hashlib.sha256(DEMO_MANIFESTO).hexdigest(), by=manager,
                              referential=referential, file_name="manifeste-signe.pdf",
                              content_type="application/pdf", now=now)  # fmt: skip
        set_candidacy_state(conn, candidacy, CandidacyState.SUBMITTED, by=manager,
                            referential=referential, now=now)  # fmt: skip
        petition = create_petition(
            conn, title="Soutenez la candidature de Lille au label Capitale French Tech",
            slug=DEMO_PETITION_SLUG, candidacy_id=candidacy, by=manager, referential=referential,
            description="Entreprises, chercheurs, étudiants : signez pour soutenir la candidature.",
            now=now,
        )  # fmt: skip
        for number, (name, shown, organisation) in enumerate(SUPPORTERS, start=1):
            signature = SignatureInput(
                name=name, email=f"soutien{number:02d}@demo.invalid", show_name=shown,
                organisation_actor_id=keys[organisation] if organisation else None,
            )  # fmt: skip
            moment = now + timedelta(hours=number)
            receipt = sign_petition(conn, petition, signature, ip=None, now=moment)
            confirm_signature(conn, receipt.token or "", now=moment + timedelta(minutes=20))
        for number in (1, 2):  # never confirmed: not counted
            sign_petition(conn, petition, SignatureInput(name="En attente",
                          email=f"attente{number}@demo.invalid"), ip=None, now=now)  # fmt: skip
        event_ids = []
        for event, accepted in _events(keys):
            event_id = submit_event(conn, event, referential=referential, by=by, now=now)
            if accepted:
                accept_event(conn, event_id, by=moderator, referential=referential, now=now)
            event_ids.append(event_id)
        call_ids = []
        for call, source_key in _calls(keys):
            source_id = (
                demo_source if source_key == DEMO_SOURCE.key else source_id_by_key(conn, source_key)
            )
            assert source_id is not None
            call_ids.append(add_funding_call(conn, call, source_id=source_id, by=by,
                                             referential=referential, now=now))  # fmt: skip
    return ParticipationDemo(True, candidacy, petition, event_ids, call_ids)
