"""Request checks that keep other web sites out of the API: Host, origin and CSRF.

Without a token (loopback), a page the operator visits could otherwise post to the API
(CSRF) or, through DNS rebinding, read it under its own host name. :class:`RequestGuard`
is a pure ASGI middleware that, before any route runs:

- refuses a ``Host`` that is not the bound address or a configured name (400), which
  defeats DNS rebinding;
- refuses a state change (any method but GET, HEAD, OPTIONS) sent cross-site: an
  ``Origin`` other than the request's own, or ``Sec-Fetch-Site`` other than
  ``same-origin``/``none`` (403);
- refuses a state change whose body a cross-site form could have sent, unless it proves
  it came from the dashboard: ``application/json`` (which a browser sends cross-origin
  only after a preflight that no CORS header answers), a request carrying an
  ``Authorization`` header (same reason), or the :data:`CSRF_HEADER` holding the app's
  token, which the dashboard reads from the :data:`CSRF_COOKIE` set by its page (403).

It also adds the security headers of :data:`SECURITY_HEADERS` to every response.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "CSRF_COOKIE",
    "CSRF_HEADER",
    "SECURITY_HEADERS",
    "RequestGuard",
    "allowed_hosts",
]

CSRF_COOKIE = "docbatch_csrf"
CSRF_HEADER = "x-docbatch-csrf"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_SAME_SITE = frozenset({"same-origin", "none"})
_WILDCARDS = frozenset({"0.0.0.0", "::", ""})  # noqa: S104 - recognised, not bound
_LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")

#: Sent with every response: no framing, no sniffing, no referrer, scripts only from us.
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        b"frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)


def allowed_hosts(bind_host: str, extra: Iterable[str] = ()) -> frozenset[str] | None:
    """The host names a ``Host`` header may carry for a server bound to ``bind_host``.

    Loopback binds accept the loopback names; ``extra`` adds configured names. A server
    bound to every interface with no names configured accepts any host (None): it has a
    token then, so a rebound name gains an attacker nothing.
    """
    from docbatch.api.auth import is_loopback

    names = {_normal(name) for name in extra if name}
    bind = _normal(bind_host)
    if bind in _WILDCARDS:
        return frozenset(names) if names else None
    names.add(bind)
    if is_loopback(bind):
        names.update(_LOOPBACK_NAMES)
    return frozenset(names)


def _normal(host: str) -> str:
    return host.strip().strip("[]").lower()


def _host_name(header: str) -> str:
    """The name part of a ``Host`` header (``[::1]:8000`` → ``::1``)."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class RequestGuard:
    """ASGI middleware applying the Host, origin and CSRF checks (see module docs)."""

    def __init__(self, app: Any, *, hosts: frozenset[str] | None, csrf_token: str) -> None:
        self.app = app
        self.hosts = hosts
        self.csrf_token = csrf_token.encode("utf-8")

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Check an HTTP request, then pass it on with the security headers added."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = self._refusal(scope["method"], headers)
        if refusal is not None:
            await _refuse(send, *refusal)
            return

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _refusal(self, method: str, headers: dict[str, str]) -> tuple[int, str] | None:
        """``(status, reason)`` when the request must be refused, else None."""
        host = headers.get("host", "")
        if self.hosts is not None and _host_name(host) not in self.hosts:
            return 400, "unknown Host header; add the name to DOCBATCH_API_ALLOWED_HOSTS"
        if method.upper() in _SAFE_METHODS:
            return None
        origin = headers.get("origin")
        if origin is not None and not _same_origin(origin, host):
            return 403, "cross-origin request refused"
        if headers.get("sec-fetch-site", "none") not in _SAME_SITE:
            return 403, "cross-site request refused"
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == "application/json" or "authorization" in headers:
            return None
        given = headers.get(CSRF_HEADER, "").encode("utf-8")
        if given and hmac.compare_digest(given, self.csrf_token):
            return None
        return 403, (
            "a state change needs Content-Type application/json, an Authorization header, "
            f"or the dashboard's {CSRF_HEADER} header"
        )


def _same_origin(origin: str, host: str) -> bool:
    # The scheme is not compared: behind a TLS proxy the origin is https, the hop http.
    return urlsplit(origin).netloc.lower() == host.strip().lower()


async def _refuse(send: Any, status: int, reason: str) -> None:
    import json

    body = json.dumps({"detail": reason}).encode("utf-8")
    headers = [(b"content-type", b"application/json"), *SECURITY_HEADERS]
    headers.append((b"content-length", str(len(body)).encode("ascii")))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
