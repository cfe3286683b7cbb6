"""Helpers of the participation forms and pages: places typed by name, the honeypot,
local times, the sectors offered, the result of a form that failed.

Times are stored in UTC and shown in France's time (``Europe/Paris``); the
forms take a local date and time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection

from cartotech.domain.participation_errors import RateLimited
from cartotech.domain.utc import as_utc
from cartotech.errors import CartotechError, InputError
from cartotech.geo import Referential
from cartotech.normalize import normalize_name
from cartotech.store import ActorQuery, search_actors
from cartotech.web.i18n import DEFAULT_LANGUAGE, request_language, translator
from cartotech.web.pages.rendering import render

__all__ = [
    "HONEYPOT_FIELD",
    "LOCAL_TZ",
    "ActorFields",
    "ActorFieldsDep",
    "FormError",
    "confirm_page",
    "event_view",
    "form_error",
    "known_sectors",
    "local_datetime",
    "local_today",
    "place_label",
    "resolve_actor",
    "resolve_place",
    "show_time",
    "throttled_page",
]

LOCAL_TZ = ZoneInfo("Europe/Paris")
#: A field people never see (hidden by the stylesheet) and bots fill: a form that
#: comes back with it filled is silently dropped.
HONEYPOT_FIELD = "website_url"


def local_today() -> date:
    """Today in France: the day calls open and close, and candidacies are scored."""
    return datetime.now(LOCAL_TZ).date()


def since_yesterday() -> datetime:
    """Where coming events start: those ending from the start of yesterday (France's
    time) are not past yet, on the events page as on the calendars."""
    today = datetime.now(LOCAL_TZ).replace(hour=0, minute=0, second=0, microsecond=0)
    return today - timedelta(days=1)


def show_time(moment: datetime | None, *, with_time: bool = True) -> str:
    """``2026-06-09 10:00`` in France's time (or the date alone)."""
    if moment is None:
        return ""
    local = as_utc(moment).astimezone(LOCAL_TZ)
    return local.strftime("%Y-%m-%d %H:%M") if with_time else local.date().isoformat()


def local_datetime(day: str, clock: str, *, field: str, all_day: bool = False) -> datetime | None:
    """A form's date (``YYYY-MM-DD``) and time (``HH:MM``, France's time) as an aware UTC
    datetime; an all-day event starts at midnight UTC of its day (the store's convention)."""
    if not day.strip():
        return None
    try:
        parsed = date.fromisoformat(day.strip())
    except ValueError:
        raise InputError(
            f"{field} {day!r} is not a date: expected YYYY-MM-DD", field=field
        ) from None
    if all_day:
        return datetime.combine(parsed, time(0), tzinfo=UTC)
    try:
        hour = time.fromisoformat(clock.strip()) if clock.strip() else time(0)
    except ValueError:
        raise InputError(f"{field} time {clock!r}: expected HH:MM", field=field) from None
    return datetime.combine(parsed, hour.replace(tzinfo=None), tzinfo=LOCAL_TZ).astimezone(UTC)


def place_label(territory_id: str | None, referential: Referential) -> str:
    """``Lille (59)``: a territory's name, with its département for a commune."""
    if not territory_id or not referential.exists(territory_id):
        return territory_id or ""
    territory = referential.get(territory_id)
    if territory.level == "commune" and territory.departement_code:
        return f"{territory.name} ({territory.departement_code})"
    return territory.name


def resolve_place(
    referential: Referential,
    territory_id: str,
    text: str,
    *,
    field: str,
    levels: tuple[str, ...] = ("commune",),
    required: bool = True,
) -> str | None:
    """The territory of a form: the id chosen in the autocomplete when it exists at one
    of ``levels``, else the best match of the typed name or postal code."""
    chosen = territory_id.strip()
    if chosen and referential.exists(chosen) and referential.get(chosen).level in levels:
        return chosen
    typed = text.strip()
    if not typed:
        if required:
            raise InputError(
                f"{field} is required: type a commune's name or postal code", field=field
            )
        return None
    found = referential.find_places(typed, limit=1, levels=levels)
    if not found or found[0].score < 70:
        raise InputError(
            f"{field}: no commune matches {typed!r}; type its name or postal code, e.g. "
            "Lille or 59000",
            field=field,
        )
    return found[0].territory.id


@cache
def known_sectors() -> tuple[str, ...]:
    """The sector codes the interface names (the choices of the forms)."""
    messages = translator(DEFAULT_LANGUAGE).messages
    return tuple(
        sorted(key.removeprefix("sector_") for key in messages if key.startswith("sector_"))
    )


@dataclass(frozen=True)
class FormError:
    """What a failed form shows: the message and the field at fault (the page words
    the errors it knows, ``error_<code>`` in the locales, in its language)."""

    message: str
    field: str | None
    status_code: int
    code: str = "invalid_input"


def form_error(exc: CartotechError) -> FormError:
    return FormError(exc.message, exc.field, exc.status_code, exc.code)


def throttled_page(
    request: Request,
    exc: RateLimited,
    message_key: str,
    page: Callable[[str, int], HTMLResponse],
) -> HTMLResponse:
    """A form refused by a rate limit: ``page(message, status_code)`` shows the form
    again with the locale's ``message_key`` (which says how many minutes to wait),
    answered 429 with a ``Retry-After`` header (seconds) for clients that read it."""
    minutes = max(1, round(exc.retry_after / 60))
    message = translator(request_language(request))(message_key, minutes=minutes)
    response = page(message, exc.status_code)
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


@dataclass(frozen=True)
class ActorFields:
    """The fields of an organisation's form, as typed: the presentation (``/present``)
    and the owners' edit (``/actors/{id}/edit``) take the same ones."""

    name: str
    type: str
    sectors: list[str]
    commune: str
    territory_id: str
    website: str
    description_fr: str
    description_en: str
    siren: str
    siret: str

    def as_form(self) -> dict[str, Any]:
        """The values the page shows again when the form failed."""
        return asdict(self)


def _actor_fields(
    name: Annotated[str, Form(max_length=300)] = "",
    type: Annotated[str, Form(max_length=40)] = "",
    sectors: Annotated[list[str], Form(max_length=40)] = [],  # noqa: B006
    commune: Annotated[str, Form(max_length=300)] = "",
    territory_id: Annotated[str, Form(max_length=60)] = "",
    website: Annotated[str, Form(max_length=2000)] = "",
    description_fr: Annotated[str, Form(max_length=6000)] = "",
    description_en: Annotated[str, Form(max_length=6000)] = "",
    siren: Annotated[str, Form(max_length=40)] = "",
    siret: Annotated[str, Form(max_length=40)] = "",
) -> ActorFields:
    return ActorFields(
        name, type, sectors, commune, territory_id, website, description_fr, description_en,
        siren, siret,
    )  # fmt: skip


#: The organisation's fields of a posted form (a FastAPI dependency).
ActorFieldsDep = Annotated[ActorFields, Depends(_actor_fields)]


def confirm_page(request: Request, token: str, *, action: str, what: str) -> HTMLResponse:
    """The page an email link opens: a button that posts ``token`` to ``action`` (mail
    scanners that fetch links confirm nothing). ``what`` names what is confirmed."""
    return render(
        request,
        "participation/confirm.html",
        {"nav": "participate", "token": token, "action": action, "what": what},
    )


def event_view(row: dict[str, Any], referential: Referential) -> dict[str, Any]:
    """An event as the pages show it: local start and end, place name."""
    all_day = bool(row.get("all_day"))
    start, end = row["starts_at"], row.get("ends_at")
    return {
        **row,
        "start_iso": as_utc(start).isoformat(),
        "start_text": show_time(start, with_time=not all_day),
        "end_text": show_time(end, with_time=not all_day) if end is not None else "",
        "place_name": place_label(row.get("territory_id"), referential),
    }


def resolve_actor(
    conn: Connection, referential: Referential, actor_id: str, name: str, *, field: str
) -> int | None:
    """The actor of a form: the id chosen in the autocomplete, else the directory's actor
    whose name (or alias) is the typed one, accents and case aside; None when both are
    empty."""
    chosen = actor_id.strip()
    if chosen.isdigit():
        return int(chosen)
    typed = name.strip()
    if not typed:
        return None
    folded = normalize_name(typed)
    result = search_actors(conn, ActorQuery(text=typed, limit=10, with_facets=False), referential)
    for item in result.items:
        names = [item["name"], *(item.get("aliases") or [])]
        if any(normalize_name(n) == folded for n in names):
            return int(item["id"])
    raise InputError(
        f"{field}: no organisation named {typed!r} in the directory; pick one of the "
        "suggestions, or leave the field empty",
        field=field,
    )
