"""Bearer-token authentication for the HTTP API.

The token is :attr:`Settings.api_token <docbatch.settings.Settings.api_token>`; it is
compared in constant time. ``docbatch serve`` requires it whenever the server listens
on anything but a loopback address.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Callable

from fastapi import HTTPException, Request, status

from docbatch.errors import ConfigError

__all__ = ["MIN_TOKEN_LENGTH", "bearer_guard", "is_loopback"]

#: Shorter tokens are refused at start: guessable, and a constant-time compare does not
#: help against a search over a small space.
MIN_TOKEN_LENGTH = 16


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback IP addresses (127.0.0.0/8, ::1)."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve anywhere


def bearer_guard(token: str | None, required: bool) -> Callable[[Request], None]:
    """A FastAPI dependency rejecting requests without ``Authorization: Bearer <token>``.

    Without ``required`` it lets every request through. ``required`` without a token is a
    configuration error (refusing to start beats serving unauthenticated), and so is a
    token shorter than :data:`MIN_TOKEN_LENGTH` characters.
    """
    if required and not token:
        raise ConfigError(
            "the API requires a token when it is not bound to loopback: set DOCBATCH_API_TOKEN"
        )
    if token is not None and len(token) < MIN_TOKEN_LENGTH:
        raise ConfigError(
            f"DOCBATCH_API_TOKEN is {len(token)} characters; use at least {MIN_TOKEN_LENGTH} "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(32))')"
        )
    expected = (token or "").encode("utf-8")

    def guard(request: Request) -> None:
        if not required:
            return
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            given.strip().encode("utf-8"), expected
        ):
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "missing or wrong bearer token",
                headers={"WWW-Authenticate": "Bearer"},
            )

    return guard
