"""The emails the participation pages send, in the visitor's language, with links
built from ``CARTOTECH_PUBLIC_URL`` (or, in development only, the request's address).

Texts are interface messages (``mail_<kind>_subject`` / ``mail_<kind>_body`` in
``locales/``); sending is :class:`cartotech.mail.Mailer`'s, created once per
app from the settings (tests may put their own on ``app.state.mailer``).
"""

from __future__ import annotations

from typing import Any, Literal, get_args
from urllib.parse import urlencode

from starlette.requests import Request

from cartotech.mail import Letter, MailConfig, Mailer
from cartotech.settings import Settings
from cartotech.web.i18n import request_language, translator

__all__ = ["MAIL_KINDS", "get_mailer", "public_link", "send_mail"]

MailKind = Literal[
    "verify", "claim", "signature", "invitation", "presentation_rejected", "claim_rejected"
]
MAIL_KINDS: tuple[MailKind, ...] = get_args(MailKind)


def get_mailer(request: Request) -> Mailer:
    """The app's mailer (built from its settings on first use)."""
    state = request.app.state
    mailer: Mailer | None = getattr(state, "mailer", None)
    if mailer is None:
        settings: Settings = state.settings
        mailer = Mailer(MailConfig.from_settings(settings))
        state.mailer = mailer
    return mailer


def public_link(request: Request, path: str, **params: str) -> str:
    """An absolute link to ``path`` of this site, for an email."""
    settings: Settings = request.app.state.settings
    base = (settings.public_url or str(request.base_url)).rstrip("/")
    query = f"?{urlencode(params)}" if params else ""
    return f"{base}{path}{query}"


def send_mail(request: Request, to: str, kind: MailKind, **values: Any) -> str:
    """Send the ``kind`` message to ``to`` in the request's language; ``values`` fill
    its placeholders (``link``, ``name``...). Returns ``"sent"`` or ``"logged"``."""
    lang = request_language(request)
    t = translator(lang)
    letter = Letter(
        to=to,
        subject=t(f"mail_{kind}_subject", **values),
        body=t(f"mail_{kind}_body", **values),
        language=lang,
    )
    return get_mailer(request).send(letter)
