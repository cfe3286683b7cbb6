"""Plain types and vocabularies of cartotech (no I/O)."""

from cartotech.domain.dates import is_partial_date, parse_partial_date
from cartotech.domain.documents import (
    DOCUMENT_LANGUAGES,
    BadInput,
    BadInputKind,
    Document,
    normalize_text,
    text_hash,
)
from cartotech.domain.records import (
    ActorRecord,
    AwardRecord,
    DirectoryBundle,
    FactRecord,
    PersonRoleRecord,
    RelationRecord,
    SourceRecord,
)
from cartotech.domain.vocabulary import (
    ACTOR_TYPE_LABELS,
    DEFAULT_UNITS,
    ActorType,
    FactKind,
    Predicate,
    SourceKind,
    Unit,
)

__all__ = [
    "ACTOR_TYPE_LABELS",
    "DEFAULT_UNITS",
    "DOCUMENT_LANGUAGES",
    "ActorRecord",
    "ActorType",
    "AwardRecord",
    "BadInput",
    "BadInputKind",
    "DirectoryBundle",
    "Document",
    "FactKind",
    "FactRecord",
    "PersonRoleRecord",
    "Predicate",
    "RelationRecord",
    "SourceKind",
    "SourceRecord",
    "Unit",
    "is_partial_date",
    "normalize_text",
    "parse_partial_date",
    "text_hash",
]
