"""What the extractor finds in one article: plain, frozen records with spans.

Every mention carries the character offsets (``start``, ``end``) of where the
text says it, in the document's normalised text, so that whatever the store
keeps can cite its document and span. :meth:`ArticleExtraction.to_gold` writes
the gold format of ``shared/gold/README.md`` (spans as extra keys).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from cartotech.extract.amounts import Amount
from cartotech.extract.counts import Count
from cartotech.extract.dates import DateMention

__all__ = [
    "ArticleExtraction",
    "OrgMention",
    "PersonMention",
    "PlaceMention",
    "RelationMention",
    "Span",
]

#: ``(start, end)`` character offsets into the document's text.
Span = tuple[int, int]


@dataclass(frozen=True)
class OrgMention:
    """An organisation named in the article, once per article.

    ``name`` is the fullest surface form; ``aliases`` the other forms as they
    occur. ``type`` is one of the gold types (``startup``, ``incubator``...)
    or ``None`` when nothing says which; ``city`` is the most specific place
    the text ties it to. ``spans`` are every occurrence of any of its forms;
    ``evidence`` names what decided the type (``"directory"``, ``"trigger"``,
    ``"keyword"``, ``"ner"``) for review and debugging.
    """

    name: str
    aliases: tuple[str, ...]
    type: str | None
    city: str | None
    spans: tuple[Span, ...]
    evidence: str = "ner"

    @property
    def start(self) -> int:
        return self.spans[0][0]

    @property
    def end(self) -> int:
        return self.spans[0][1]


@dataclass(frozen=True)
class PersonMention:
    """A person, with the role and organisation the text gives (or ``None``)."""

    name: str
    role: str | None
    organization: str | None
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class PlaceMention:
    """A geographic mention as written, with its territory id when it names one
    (``fr:commune:31555``, ``fr:region:76``, ``group:...``)."""

    text: str
    territory_id: str | None
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class RelationMention:
    """``subject predicate object`` as the text states it; names are declared
    organisation, person or place names. ``start``/``end`` is the sentence."""

    subject: str
    predicate: str
    object: str
    start: int
    end: int


@dataclass(frozen=True)
class ArticleExtraction:
    """Everything extracted from one article.

    ``lang`` is ``fr`` or ``en``; an article in another language is not
    extracted (``skipped`` then says why and every list is empty).
    """

    lang: str
    organizations: tuple[OrgMention, ...] = ()
    people: tuple[PersonMention, ...] = ()
    places: tuple[PlaceMention, ...] = ()
    amounts: tuple[Amount, ...] = ()
    counts: tuple[Count, ...] = ()
    dates: tuple[DateMention, ...] = ()
    relations: tuple[RelationMention, ...] = ()
    skipped: str | None = field(default=None)

    def to_gold(self) -> dict[str, Any]:
        """The gold-format record (``shared/gold/README.md``), spans as extra keys."""
        return {
            "lang": self.lang,
            "organizations": [
                {
                    "name": org.name,
                    "aliases": list(org.aliases),
                    "type": org.type,
                    "city": org.city,
                    "spans": [list(span) for span in org.spans],
                    "evidence": org.evidence,
                }
                for org in self.organizations
            ],
            "people": [
                {
                    "name": person.name,
                    "role": person.role,
                    "organization": person.organization,
                    "spans": [list(span) for span in person.spans],
                }
                for person in self.people
            ],
            "places": [place.text for place in self.places],
            "place_details": [
                {
                    "text": place.text,
                    "territory_id": place.territory_id,
                    "spans": [list(span) for span in place.spans],
                }
                for place in self.places
            ],
            "amounts": [_numeric(asdict(amount)) for amount in self.amounts],
            "counts": [_numeric(asdict(count)) for count in self.counts],
            "dates": [asdict(date) for date in self.dates],
            "relations": [asdict(relation) for relation in self.relations],
            **({"skipped": self.skipped} if self.skipped else {}),
        }


def _numeric(record: dict[str, Any]) -> dict[str, Any]:
    """Whole values as integers, as the gold writes them (550000, not 550000.0)."""
    value = record["value"]
    if isinstance(value, float) and value.is_integer():
        record["value"] = int(value)
    return record
