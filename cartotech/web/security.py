"""Request forgery protection and the security headers of every response.

**CSRF.** :func:`csrf_protect` is a dependency of the whole app (every route,
pages and API alike): a request with a method other than GET, HEAD or OPTIONS
must carry the session's token, in the form field ``csrf_token`` (HTML forms)
or in the ``X-CSRF-Token`` header (scripts), or it is refused with 403 before
the route runs, so nothing is written. The token lives in the signed session
cookie (``web.sessions``) and is compared in constant time. Session cookies
are also ``SameSite=Lax``.

**The JSON API is read-only for anonymous clients** and authenticated by the
same session cookie (there are no API keys). Its only protected route today,
``GET /api/v1/admin/audit``, is a read; any future API write goes through the
same dependency, so it needs the session *and* the ``X-CSRF-Token`` header,
which another site cannot set.

**Headers.** :class:`SecurityHeadersMiddleware` adds a Content-Security-Policy
(scripts, styles, connections and frames from this origin only; images also
from the configured tile server; inline ``style`` attributes allowed for the
bar charts; no plugin, no framing, forms only to this origin),
``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin``,
``X-Frame-Options: DENY``, a Permissions-Policy and a Cross-Origin-Opener-Policy.
The OpenAPI page (``/api/docs``) loads Swagger UI from its CDN with an inline
script, so it gets a policy of its own that allows that and nothing else.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cartotech.errors import CartotechError
from cartotech.web.sessions import get_session

__all__ = [
    "FORM_OVERHEAD",
    "UPLOAD_PATH",
    "UploadLimitMiddleware",
    "CSRF_FIELD",
    "CSRF_HEADER",
    "CsrfFailed",
    "SecurityHeadersMiddleware",
    "content_security_policy",
    "csrf_protect",
]

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
DOCS_PATH = "/api/docs"
SWAGGER_CDN = "https://cdn.jsdelivr.net"


class CsrfFailed(CartotechError):
    """A state-changing request without the session's CSRF token."""

    status_code = 403
    code = "csrf_failed"

    def __init__(self) -> None:
        super().__init__(
            "this form has expired or was not sent from this site (missing or wrong "
            "security token): reload the page and send it again",
            field=CSRF_FIELD,
        )


async def csrf_protect(request: Request) -> None:
    """Refuse (403) a write that does not carry the session's CSRF token."""
    if request.method in SAFE_METHODS:
        return
    sent: object = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if sent is None and content_type in FORM_TYPES:
        form = await request.form()
        sent = form.get(CSRF_FIELD)
    if not get_session(request).check_csrf(sent):
        raise CsrfFailed()


def _origin(url: str | None) -> str | None:
    """``scheme://host[:port]`` of an http(s) URL template, or None."""
    if not url:
        return None
    parts = urlsplit(url.replace("{s}", "a"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    host = parts.netloc
    if url.split("//", 1)[-1].startswith("{s}."):
        host = "*." + host.split(".", 1)[1]
    return f"{parts.scheme}://{host}"


def content_security_policy(tile_url: str | None = None) -> str:
    """The policy of the pages; map tiles are the only images from elsewhere."""
    images = ["'self'", "data:"]
    tiles = _origin(tile_url)
    if tiles:
        images.append(tiles)
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "style-src-attr": "'unsafe-inline'",
        "img-src": " ".join(images),
        "connect-src": "'self'",
        "font-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


DOCS_POLICY = (
    f"default-src 'none'; script-src {SWAGGER_CDN} 'unsafe-inline'; "
    f"style-src {SWAGGER_CDN}; img-src 'self' data: https://fastapi.tiangolo.com; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    """Adds the security headers to every response that does not set them itself."""

    def __init__(self, app: ASGIApp, *, tile_url: str | None = None) -> None:
        self.app = app
        self.headers = {
            "Content-Security-Policy": content_security_policy(tile_url),
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
            "X-Frame-Options": "DENY",
            "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
            "Cross-Origin-Opener-Policy": "same-origin",
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope.get("path") == DOCS_PATH

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    if name not in headers:
                        headers[name] = value
                if docs:
                    headers["Content-Security-Policy"] = DOCS_POLICY
            await send(message)

        await self.app(scope, receive, send_with_headers)


# The routes that take a file, and what their form adds to it (token, fields, headers).
UPLOAD_PATH = re.compile(r"/candidacies/[0-9]+/evidence/upload")
FORM_OVERHEAD = 64 * 1024


class UploadLimitMiddleware:
    """Limits the body of the upload routes to the largest file plus the form around it:
    a request announcing more (Content-Length) is answered 413 before its body is read,
    one sending more is cut off with 413 as soon as it does, before the CSRF check and
    the form parser spool it. The route checks the file's own size against the setting."""

    def __init__(self, app: ASGIApp, *, max_upload_bytes: int) -> None:
        self.app = app
        self.limited = RequestBodyLimitMiddleware(
            app, max_body_size=max_upload_bytes + FORM_OVERHEAD
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and UPLOAD_PATH.fullmatch(scope["path"]):
            await self.limited(scope, receive, send)
        else:
            await self.app(scope, receive, send)
