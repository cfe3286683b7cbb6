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
    "ActorRecord",
    "ActorType",
    "AwardRecord",
    "DirectoryBundle",
    "FactKind",
    "FactRecord",
    "PersonRoleRecord",
    "Predicate",
    "RelationRecord",
    "SourceKind",
    "SourceRecord",
    "Unit",
    "is_partial_date",
    "parse_partial_date",
]
__all__ += ["DOCUMENT_LANGUAGES", "BadInput", "BadInputKind", "Document"]
__all__ += ["normalize_text", "text_hash"]
