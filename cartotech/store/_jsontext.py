"""JSON text as the store writes it in its text columns (mention payloads,
submissions, audit snapshots): one stable form, so that the same value is
always the same text."""

from __future__ import annotations

import json
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

__all__ = ["to_json"]


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset | tuple):
        return sorted(value, key=str) if isinstance(value, set | frozenset) else list(value)
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return str(value)


def to_json(value: Any) -> str:
    """Stable JSON text (sorted keys, UTF-8 kept) for payloads and audit snapshots."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=_default)
