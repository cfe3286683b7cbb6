"""Checks and normalisation of what people type into participation forms (pure).

Each ``clean_*`` function returns the value (or record) cleaned, or raises
:class:`~cartotech.errors.InputError` naming the field, the value's problem
and the expected form. Text is kept as typed (no HTML escaping: that is the
web layer's job) but NUL and other control characters are refused, because
PostgreSQL cannot store NUL and they have no place in a form.

Email addresses have two forms:

- :func:`normalize_email` — trimmed, Unicode NFC, lower-cased. Accounts and
  contact addresses use it: what was typed, modulo case.
- :func:`canonical_email` — the identity of a *signatory*, so that one person
  signs a petition once: additionally the ``+tag`` of the local part is
  dropped for every domain (sub-addressing is offered by Gmail, Outlook,
  iCloud, Fastmail, Proton… and a ``+`` is almost never part of a real
  mailbox name), and for ``gmail.com`` / ``googlemail.com`` only, the dots of
  the local part are dropped and the domain becomes ``gmail.com`` (Gmail
  ignores dots; other providers do not, so dots are kept elsewhere).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from datetime import date
from types import ModuleType
from urllib.parse import urlsplit

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from cartotech.domain.participation import (
    ActorEdit,
    ActorSubmission,
    EventInput,
    FundingCallInput,
    SignatureInput,
)
from cartotech.errors import InputError

__all__ = [
    "MAX_COMMENT",
    "MAX_LONG_TEXT",
    "MAX_NAME",
    "MAX_TITLE",
    "canonical_email",
    "clean_actor_edit",
    "clean_date",
    "clean_event",
    "clean_funding_call",
    "clean_identifiers",
    "clean_sectors",
    "clean_signature",
    "clean_submission",
    "clean_text",
    "clean_url",
    "normalize_email",
]

MAX_EMAIL = 254
MAX_NAME = 200
MAX_TITLE = 300
MAX_LONG_TEXT = 5_000
MAX_COMMENT = 2_000
MAX_URL = 2_000
MAX_SECTORS = 20
_GMAIL_DOMAINS = {"gmail.com", "googlemail.com"}
# Local part: no whitespace, no characters that would need quoting in a header.
_EMAIL = re.compile(r"^[^\s@<>()\[\],;:\"\\]{1,64}@[^\s@<>()\[\],;:\"\\]+$")
_DOMAIN_LABEL = re.compile(r"^[^\W_](?:[\w-]{0,61}[^\W_])?$")
_SECTOR = re.compile(r"^[a-z0-9][a-z0-9_]{0,63}$")
# Control characters except tab and newlines (allowed in multi-line text only).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAK = re.compile(r"[\t\r\n]")


def normalize_email(raw: str, *, field: str = "email") -> str:
    """The address trimmed, NFC, lower-cased; refuses what is not an address."""
    email = unicodedata.normalize("NFC", raw or "").strip().lower()
    problem = None
    if not email:
        problem = "is empty"
    elif len(email) > MAX_EMAIL:
        problem = f"is longer than {MAX_EMAIL} characters"
    elif _CONTROL.search(email) or not _EMAIL.match(email):
        problem = "is not an email address"
    else:
        domain = email.rsplit("@", 1)[1]
        labels = domain.split(".")
        if len(labels) < 2 or not all(_DOMAIN_LABEL.match(label) for label in labels):
            problem = "has no valid domain"
    if problem:
        raise InputError(
            f"{field} {raw!r} {problem}: expected an address like name@example.org", field=field
        )
    return email


def canonical_email(raw: str, *, field: str = "email") -> str:
    """The signatory identity of an address (see the module docstring).

    >>> canonical_email(" Jean.Dupont+petition@GoogleMail.com ")
    'jeandupont@gmail.com'
    >>> canonical_email("jean.dupont+x@example.org")
    'jean.dupont@example.org'
    """
    email = normalize_email(raw, field=field)
    local, domain = email.rsplit("@", 1)
    local = local.split("+", 1)[0] or local
    if domain in _GMAIL_DOMAINS:
        domain = "gmail.com"
        local = local.replace(".", "") or local
    return f"{local}@{domain}"


def clean_text(
    value: str | None,
    *,
    field: str,
    max_length: int,
    required: bool = False,
    multiline: bool = False,
) -> str | None:
    """Trimmed text (NFC), or None when empty and not required."""
    text = unicodedata.normalize("NFC", value).strip() if value is not None else ""
    if not text:
        if required:
            raise InputError(f"{field} is required", field=field)
        return None
    if _CONTROL.search(text) or (not multiline and _LINE_BREAK.search(text)):
        raise InputError(
            f"{field} contains control characters"
            + ("" if multiline else " or line breaks")
            + ": remove them",
            field=field,
        )
    if len(text) > max_length:
        raise InputError(
            f"{field} is {len(text)} characters long: at most {max_length} allowed", field=field
        )
    return text


def clean_url(value: str | None, *, field: str = "url") -> str | None:
    """An ``http(s)://host/...`` address, or None when empty."""
    url = clean_text(value, field=field, max_length=MAX_URL)
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or " " in url:
        raise InputError(
            f"{field} {url!r} is not a web address: expected https://example.org/…", field=field
        )
    return url


def clean_sectors(
    values: tuple[str, ...] | list[str], *, field: str = "sectors"
) -> tuple[str, ...]:
    """Sector codes, lower-cased, without repeats (``digital``, ``ai``, ``health``…)."""
    out: dict[str, None] = {}
    for raw in values:
        sector = (raw or "").strip().lower().replace("-", "_").replace(" ", "_")
        if not sector:
            continue
        if not _SECTOR.match(sector):
            raise InputError(
                f"sector {raw!r} is not a sector code: expected lower-case letters, digits "
                "and underscores, e.g. digital or health_tech",
                field=field,
            )
        out[sector] = None
    if len(out) > MAX_SECTORS:
        raise InputError(f"{len(out)} sectors: at most {MAX_SECTORS} allowed", field=field)
    return tuple(out)


def clean_date(value: str | None, *, field: str) -> str | None:
    """A ``YYYY-MM-DD`` date, or None when empty."""
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise InputError(
            f"{field} {value!r} is not a date: expected YYYY-MM-DD", field=field
        ) from None


def _checked_number(value: str | None, name: str, module: ModuleType, digits: int) -> str | None:
    """``value`` compacted and checked by the python-stdnum ``module``, or None when empty."""
    if value is None or not value.strip():
        return None
    try:
        return str(module.validate(value))
    except StdnumError:
        raise InputError(
            f"{name} {value!r} is not a valid {name.upper()}: expected {digits} digits "
            "whose check digit is right (see the company's Kbis or annuaire-entreprises)",
            field=name,
        ) from None


def clean_identifiers(siren: str | None, siret: str | None) -> tuple[str | None, str | None]:
    """SIREN and SIRET compacted and checked (Luhn check digits, python-stdnum).

    A SIRET alone gives its SIREN (its first nine digits); both given must agree.
    """
    clean_siren = _checked_number(siren, "siren", stdnum_siren, 9)
    clean_siret = _checked_number(siret, "siret", stdnum_siret, 14)
    if clean_siret is not None:
        if clean_siren is not None and clean_siret[:9] != clean_siren:
            raise InputError(
                f"siret {clean_siret} does not belong to siren {clean_siren}: "
                "a SIRET starts with its company's SIREN",
                field="siret",
            )
        clean_siren = clean_siret[:9]
    return clean_siren, clean_siret


def clean_submission(submission: ActorSubmission) -> ActorSubmission:
    siren, siret = clean_identifiers(submission.siren, submission.siret)
    return replace(
        submission,
        name=clean_text(submission.name, field="name", max_length=MAX_NAME, required=True) or "",
        contact_email=normalize_email(submission.contact_email, field="contact_email"),
        contact_name=clean_text(submission.contact_name, field="contact_name", max_length=MAX_NAME),
        sectors=clean_sectors(submission.sectors),
        website=clean_url(submission.website, field="website"),
        description_fr=clean_text(
            submission.description_fr, field="description_fr", max_length=MAX_LONG_TEXT,
            multiline=True,
        ),
        description_en=clean_text(
            submission.description_en, field="description_en", max_length=MAX_LONG_TEXT,
            multiline=True,
        ),
        siren=siren,
        siret=siret,
    )  # fmt: skip


def clean_actor_edit(edit: ActorEdit) -> ActorEdit:
    siren, siret = clean_identifiers(edit.siren, edit.siret)

    def text(value: str | None, field: str, limit: int, multiline: bool = False) -> str | None:
        # None means "unchanged"; an empty string clears an optional field.
        if value is None:
            return None
        return clean_text(value, field=field, max_length=limit, multiline=multiline) or ""

    name = text(edit.name, "name", MAX_NAME)
    if name == "":
        raise InputError("name cannot be emptied", field="name")
    return replace(
        edit,
        name=name,
        sectors=clean_sectors(edit.sectors) if edit.sectors is not None else None,
        website=(clean_url(edit.website, field="website") or "")
        if edit.website is not None
        else None,
        description_fr=text(edit.description_fr, "description_fr", MAX_LONG_TEXT, True),
        description_en=text(edit.description_en, "description_en", MAX_LONG_TEXT, True),
        siren=siren,
        siret=siret,
    )


def clean_event(event: EventInput) -> EventInput:
    for name, moment in (("starts_at", event.starts_at), ("ends_at", event.ends_at)):
        if moment is not None and moment.tzinfo is None:
            raise InputError(
                f"{name} {moment.isoformat()} has no time zone: give an aware datetime",
                field=name,
            )
    if event.ends_at is not None and event.ends_at < event.starts_at:
        raise InputError("ends_at is before starts_at", field="ends_at")
    contact = (
        normalize_email(event.contact_email, field="contact_email") if event.contact_email else None
    )
    return replace(
        event,
        title=clean_text(event.title, field="title", max_length=MAX_TITLE, required=True) or "",
        place_label=clean_text(event.place_label, field="place_label", max_length=MAX_NAME),
        url=clean_url(event.url),
        description=clean_text(
            event.description, field="description", max_length=MAX_LONG_TEXT, multiline=True
        ),
        contact_email=contact,
    )


def clean_signature(signature: SignatureInput) -> SignatureInput:
    return replace(
        signature,
        name=clean_text(signature.name, field="name", max_length=MAX_NAME, required=True) or "",
        email=normalize_email(signature.email),
        comment=clean_text(
            signature.comment, field="comment", max_length=MAX_COMMENT, multiline=True
        ),
    )


def clean_funding_call(call: FundingCallInput) -> FundingCallInput:
    currency = (call.currency or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise InputError(
            f"currency {call.currency!r}: expected an ISO 4217 code such as EUR", field="currency"
        )
    if call.amount is not None and call.amount < 0:
        raise InputError("amount cannot be negative", field="amount")
    if call.cohort_size_per_year is not None and call.cohort_size_per_year < 0:
        raise InputError("cohort_size_per_year cannot be negative", field="cohort_size_per_year")
    opens_on = clean_date(call.opens_on, field="opens_on")
    deadline = clean_date(call.deadline, field="deadline")
    if opens_on and deadline and deadline < opens_on:
        raise InputError("deadline is before opens_on", field="deadline")
    return replace(
        call,
        title=clean_text(call.title, field="title", max_length=MAX_TITLE, required=True) or "",
        currency=currency,
        opens_on=opens_on,
        deadline=deadline,
        sectors=clean_sectors(call.sectors),
        url=clean_url(call.url),
        description=clean_text(
            call.description, field="description", max_length=MAX_LONG_TEXT, multiline=True
        ),
    )
