"""Territory ids: pure functions between ``(level, code)`` and ``"fr:commune:13055"``.

Five levels, each with the form of its code::

    fr:commune:13055        INSEE code, 5 characters (2A004, 97411; also the municipal
                            arrondissements of Paris, Lyon and Marseille: 75115, 69381, 13201)
    fr:epci:200054807       SIREN, 9 digits
    fr:departement:13       01-95, 2A, 2B, 971-976
    fr:region:93            2 digits
    group:sophia-antipolis  slug: lower-case letters and digits, words joined by hyphens

Ids are exact keys: no case folding, no surrounding spaces. A syntactically valid id may still
name nothing (``fr:departement:975``); :meth:`Referential.get` says so with ``NotFound``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from cartotech.errors import InvalidTerritoryId

__all__ = ["LEVELS", "TerritoryRef", "build_territory_id", "parse_territory_id"]

LEVELS: Final = ("commune", "epci", "departement", "region", "group")

_CODE_PATTERNS: Final = {
    "commune": re.compile(r"(?:\d{5}|2[AB]\d{3})"),
    "epci": re.compile(r"\d{9}"),
    "departement": re.compile(r"(?:0[1-9]|1\d|2[1-9AB]|[3-8]\d|9[0-5]|97[1-6])"),
    "region": re.compile(r"\d{2}"),
    "group": re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*"),
}
_CODE_FORMS: Final = {
    "commune": "an INSEE code of 5 characters such as 13055 or 2A004",
    "epci": "a SIREN of 9 digits such as 200054807",
    "departement": "01 to 95, 2A, 2B or 971 to 976",
    "region": "2 digits such as 93",
    "group": "a slug such as sophia-antipolis (lower-case words joined by hyphens)",
}
_EXPECTED: Final = (
    "expected fr:commune:<INSEE code>, fr:epci:<SIREN>, fr:departement:<code>, "
    "fr:region:<code> or group:<slug>, e.g. fr:commune:13055, fr:epci:200054807, "
    "fr:departement:13, fr:region:93, group:sophia-antipolis"
)


@dataclass(frozen=True, slots=True)
class TerritoryRef:
    """A parsed territory id: its level and its code."""

    level: str
    code: str

    @property
    def id(self) -> str:
        return build_territory_id(self.level, self.code)


def _prefix(level: str) -> str:
    return "group:" if level == "group" else f"fr:{level}:"


def build_territory_id(level: str, code: str) -> str:
    """The id of the territory of ``level`` with ``code``: ``("commune", "13055")`` ->
    ``"fr:commune:13055"``. Raises :class:`InvalidTerritoryId` if the code has the wrong form."""
    pattern = _CODE_PATTERNS.get(level)
    if pattern is None:
        raise InvalidTerritoryId(
            f"unknown territory level {level!r}: expected one of {', '.join(LEVELS)}",
            field="level",
        )
    if not isinstance(code, str) or not pattern.fullmatch(code):
        raise InvalidTerritoryId(
            f"invalid {level} code {code!r}: expected {_CODE_FORMS[level]}", field="code"
        )
    return _prefix(level) + code


def parse_territory_id(text: str) -> TerritoryRef:
    """Parse ``"fr:commune:13055"`` into ``TerritoryRef("commune", "13055")``.

    Raises :class:`InvalidTerritoryId` naming the value and the expected forms.
    """
    if not isinstance(text, str):
        raise InvalidTerritoryId(f"invalid territory id {text!r}: {_EXPECTED}", field="territory")
    if text.startswith("group:"):
        level, code = "group", text[len("group:") :]
    else:
        parts = text.split(":")
        if len(parts) != 3 or parts[0] != "fr" or parts[1] not in _CODE_PATTERNS:
            raise InvalidTerritoryId(
                f"invalid territory id {text!r}: {_EXPECTED}", field="territory"
            )
        level, code = parts[1], parts[2]
    if level == "group" and not text.startswith("group:"):
        raise InvalidTerritoryId(f"invalid territory id {text!r}: {_EXPECTED}", field="territory")
    if not _CODE_PATTERNS[level].fullmatch(code):
        raise InvalidTerritoryId(
            f"invalid territory id {text!r}: the {level} code must be {_CODE_FORMS[level]}",
            field="territory",
        )
    return TerritoryRef(level, code)
