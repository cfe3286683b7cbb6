"""Sessions: a signed cookie holding the logged-in user's id, the session epoch
of their login and a CSRF token.

The cookie is ``base64url(JSON payload) "." base64url(HMAC-SHA256)``, keyed by a
key derived from ``CARTOTECH_SECRET_KEY`` for this purpose only. It is
``HttpOnly``, ``SameSite=Lax``, ``Path=/``, and ``Secure`` (named with the
``__Host-`` prefix) when ``Settings.cookie_secure``. The payload carries when
it was issued; the server refuses it after ``CARTOTECH_SESSION_MAX_AGE``
whatever the browser does. A cookie that fails the signature or the age check
is ignored (the visitor is anonymous).

The user's account is read again on every request (``web.auth``): a
deactivated account loses its sessions at once, and a session whose epoch is
not the account's ``session_epoch`` any more (raised by a logout, a new
password or a deactivation) is refused, so a copy of the cookie dies with the
session it was taken from. A visitor who never sees a form gets no cookie at
all: an anonymous session is only written once its CSRF token is used by a
page.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["Session", "SessionCodec", "SessionMiddleware", "get_session"]

_PURPOSE = b"cartotech.session.v1"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def _now() -> int:
    """Seconds since the epoch, as the cookie's ``issued_at`` keeps them."""
    return int(time.time())


@dataclass
class Session:
    """One visitor's session. ``modified`` sessions are written back by the middleware."""

    csrf: str = field(default_factory=new_csrf_token)
    user_id: int | None = None
    #: The account's ``session_epoch`` at login (None when anonymous).
    epoch: int | None = None
    issued_at: int = field(default_factory=_now)
    #: False until the cookie exists in the browser (a new anonymous session).
    persisted: bool = False
    modified: bool = False

    @property
    def csrf_token(self) -> str:
        """The token a form must send back; a new session is written once a page uses it."""
        if not self.persisted:
            self.modified = True
        return self.csrf

    def check_csrf(self, sent: object) -> bool:
        """Whether ``sent`` is this session's token (a session the browser did not hold
        yet has no token it could send)."""
        return (
            self.persisted
            and isinstance(sent, str)
            and hmac.compare_digest(sent.encode("utf-8"), self.csrf.encode("utf-8"))
        )

    def log_in(self, user_id: int, epoch: int) -> None:
        """A fresh session for ``user_id`` at the account's ``session_epoch``."""
        self._start(user_id, epoch)

    def log_out(self) -> None:
        """A fresh anonymous session."""
        self._start(None, None)

    def _start(self, user_id: int | None, epoch: int | None) -> None:
        # A new token and a new start of the lifetime whoever comes or goes: a token
        # or a cookie seen before the change is worth nothing after it.
        self.user_id = user_id
        self.epoch = epoch
        self.csrf = new_csrf_token()
        self.issued_at = _now()
        self.modified = True


@dataclass(frozen=True)
class SessionCodec:
    """Signs and reads session cookies."""

    secret_key: str
    max_age: int

    def _mac(self, body: str) -> str:
        key = hmac.new(self.secret_key.encode("utf-8"), _PURPOSE, hashlib.sha256).digest()
        return _b64(hmac.new(key, body.encode("ascii"), hashlib.sha256).digest())

    def dumps(self, session: Session) -> str:
        payload = {
            "c": session.csrf,
            "u": session.user_id,
            "e": session.epoch,
            "t": session.issued_at,
        }
        body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8"))
        return f"{body}.{self._mac(body)}"

    def loads(self, value: str, *, now: float | None = None) -> Session | None:
        """The session of a cookie value, or None when forged, malformed or too old."""
        body, dot, mac = value.rpartition(".")
        if not dot or not body.isascii() or not mac.isascii():
            return None
        if not hmac.compare_digest(mac.encode("ascii"), self._mac(body).encode("ascii")):
            return None
        try:
            payload: Any = json.loads(_unb64(body))
        except (ValueError, binascii.Error):
            return None
        if not isinstance(payload, dict):
            return None
        csrf, user_id, issued_at = payload.get("c"), payload.get("u"), payload.get("t")
        epoch = payload.get("e")
        if not isinstance(csrf, str) or not isinstance(issued_at, int):
            return None
        if user_id is not None and not isinstance(user_id, int):
            return None
        if epoch is not None and not isinstance(epoch, int):
            return None
        age = (time.time() if now is None else now) - issued_at
        if not 0 <= age < self.max_age + 60:  # a minute of clock skew
            return None
        return Session(csrf=csrf, user_id=user_id, epoch=epoch, issued_at=issued_at, persisted=True)


class SessionMiddleware:
    """Reads the session cookie into ``request.state.session`` and writes it back
    when the request changed it. Responses to a logged-in session, or setting
    the cookie, are marked ``Cache-Control: no-store``."""

    def __init__(self, app: ASGIApp, *, secret_key: str, max_age: int, secure: bool) -> None:
        self.app = app
        self.codec = SessionCodec(secret_key, max_age)
        self.max_age = max_age
        self.secure = secure
        self.cookie_name = "__Host-cartotech_session" if secure else "cartotech_session"

    def _read(self, scope: Scope) -> Session:
        value = HTTPConnection(scope).cookies.get(self.cookie_name)
        session = self.codec.loads(value) if value else None
        return session or Session()

    def cookie(self, session: Session) -> str:
        cookie: SimpleCookie = SimpleCookie()
        cookie[self.cookie_name] = self.codec.dumps(session)
        morsel = cookie[self.cookie_name]
        morsel["path"] = "/"
        morsel["httponly"] = True
        morsel["samesite"] = "Lax"
        remaining = self.max_age - max(0, _now() - session.issued_at)
        morsel["max-age"] = max(0, remaining)
        if self.secure:
            morsel["secure"] = True
        return morsel.OutputString()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        session = self._read(scope)
        scope.setdefault("state", {})["session"] = session

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if session.modified:
                    headers.append("Set-Cookie", self.cookie(session))
                if (session.modified or session.user_id is not None) and (
                    "cache-control" not in headers
                ):
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def get_session(request: HTTPConnection) -> Session:
    """The request's session (set by :class:`SessionMiddleware`)."""
    session: Session = request.state.session
    return session
