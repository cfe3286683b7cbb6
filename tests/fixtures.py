"""Named test data, each with the reason it exists."""

from __future__ import annotations

from cartotech.domain import ActorRecord, ActorType, SourceKind, SourceRecord

TEST_SOURCE = SourceRecord(key="test-source", kind=SourceKind.CURATED, title="Test fixtures")

# Typo tolerance needs a two-word name whose words also occur elsewhere.
TELECOM_VALLEY = ActorRecord(
    key="telecom-valley", name="Telecom Valley", type=ActorType.ASSOCIATION,
    source_key="test-source", territory_id="fr:commune:06152", sectors=("telecom",),
    description_fr="Association des acteurs du numérique de la Côte d'Azur.",
)  # fmt: skip
# Accent folding: the query "ecole" must find "École".
ECOLE_CENTRALE_LYON = ActorRecord(
    key="ecole-centrale-lyon", name="École Centrale de Lyon", type=ActorType.SCHOOL_OR_LAB,
    source_key="test-source", territory_id="fr:commune:69123", aliases=("ECL",),
)  # fmt: skip
# Homonyms: two start-ups with one name in two cities; the territory filter tells them apart.
HOMONYM_STARTUP_NANTES = ActorRecord(
    key="atlantis-nantes", name="Atlantis", type=ActorType.STARTUP,
    source_key="test-source", territory_id="fr:commune:44109", sectors=("ai",),
)  # fmt: skip
HOMONYM_STARTUP_BREST = ActorRecord(
    key="atlantis-brest", name="Atlantis", type=ActorType.STARTUP,
    source_key="test-source", territory_id="fr:commune:29019", sectors=("maritime",),
)  # fmt: skip
# Ranking: the query "atlantis" must rank the exact names before a name that only contains it.
CONTAINS_ONLY = ActorRecord(
    key="neo-atlantis-lab", name="Neo Atlantis Lab", type=ActorType.SCHOOL_OR_LAB,
    source_key="test-source", territory_id="fr:commune:13055",
)  # fmt: skip
# An acronym alias: search for "ecl" must find it through the alias.
# Hostile text is stored as given and must never be interpreted.
HOSTILE_NAME = ActorRecord(
    key="hostile", name="<script>alert('x')</script> Robert'); DROP TABLE actors;--",
    type=ActorType.COMPANY, source_key="test-source", territory_id="fr:commune:75056",
)  # fmt: skip

SEARCH_FIXTURES = [
    TELECOM_VALLEY,
    ECOLE_CENTRALE_LYON,
    HOMONYM_STARTUP_NANTES,
    HOMONYM_STARTUP_BREST,
    CONTAINS_ONLY,
    HOSTILE_NAME,
]
