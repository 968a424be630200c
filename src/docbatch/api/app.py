"""The FastAPI application: the JSON API, server-sent events, metrics and the dashboard.

:func:`create_app` builds it from :class:`~docbatch.settings.Settings`. ``require_token``
decides whether every ``/api`` and ``/metrics`` request needs the bearer token
(``docbatch serve`` sets it unless the server is bound to loopback). There is no CORS
middleware: the dashboard is served from the same origin. The OpenAPI schema is at
``/api/openapi.json`` (no Swagger UI: it would load scripts from a CDN).
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from importlib import resources
from typing import TYPE_CHECKING

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from docbatch.api.auth import bearer_guard
from docbatch.api.guard import CSRF_COOKIE, RequestGuard, allowed_hosts
from docbatch.api.recovery import NothingToRecoverError
from docbatch.api.routes import router
from docbatch.api.search import search_router
from docbatch.api.system import build_collector, health_router, metrics_router
from docbatch.api.uploads import sweeper
from docbatch.errors import ConfigError, DocbatchError, ManifestError, NotFoundError
from docbatch.settings import Settings

if TYPE_CHECKING:
    from docbatch.client import Docbatch

__all__ = ["create_app"]

log = logging.getLogger(__name__)

_STATUS = {NotFoundError: 404, NothingToRecoverError: 409, ManifestError: 400, ConfigError: 400}


def _error_status(exc: DocbatchError) -> int:
    for kind, code in _STATUS.items():
        if isinstance(exc, kind):
            return code
    return 500


def _sampler(client: Docbatch, interval: float, stop: threading.Event) -> None:
    """Record queue depths into the metrics time series every ``interval`` seconds."""
    from docbatch.redis.metrics import MetricsRecorder, settings_queue_depths

    if client.redis is None:  # started only with Redis (see _lifespan)
        return
    recorder = MetricsRecorder(client.redis, client.settings.key_prefix)
    while not stop.wait(interval):
        try:
            recorder.queue_depths(settings_queue_depths(client.settings))
        except Exception as exc:  # the broker may be down; try again next interval
            log.debug("queue depth sample failed: %s", exc)


def create_app(
    settings: Settings,
    *,
    require_token: bool,
    client: Docbatch | None = None,
    poll_seconds: float = 1.0,
    sample_seconds: float = 15.0,
    bind_host: str = "127.0.0.1",
    sweep_seconds: float = 10.0,
) -> FastAPI:
    """The API for ``settings``; ``client`` defaults to a new :class:`Docbatch`.

    ``bind_host`` is the address the server listens on: with
    ``settings.api_allowed_hosts`` it decides which ``Host`` headers are accepted
    (:mod:`docbatch.api.guard`). ``sweep_seconds`` (0 = off) is how often uploaded files
    of terminal documents are deleted (:mod:`docbatch.api.uploads`).

    ``sample_seconds`` (0 = off) is how often queue depths are recorded into the
    metrics time series while the app runs and Redis is configured.
    """
    from docbatch.client import Docbatch

    guard = Depends(bearer_guard(_token(settings), require_token))
    client = client or Docbatch(settings)
    client.repo  # noqa: B018 - build shared resources before requests race to build them
    app = FastAPI(
        title="docbatch",
        summary="Batches of legal documents into structured data.",
        version="0.1.0",
        openapi_url=None,  # served below, behind the token like the rest of /api
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan(client, settings, sample_seconds, sweep_seconds),
    )
    app.state.csrf_token = secrets.token_urlsafe(32)
    app.add_middleware(
        RequestGuard,
        hosts=allowed_hosts(bind_host, settings.api_allowed_hosts),
        csrf_token=app.state.csrf_token,
    )
    app.state.client = client
    app.state.poll_seconds = poll_seconds
    app.state.collector = build_collector(client)
    app.include_router(router, dependencies=[guard])
    app.include_router(search_router, dependencies=[guard])
    app.include_router(metrics_router, dependencies=[guard])
    app.include_router(health_router)

    @app.get("/api/openapi.json", include_in_schema=False, dependencies=[guard])
    def openapi() -> JSONResponse:
        return JSONResponse(app.openapi())

    _static(app, require_token)

    @app.exception_handler(DocbatchError)
    async def docbatch_error(_: Request, exc: DocbatchError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=_error_status(exc))

    return app


def _lifespan(
    client: Docbatch, settings: Settings, sample_seconds: float, sweep_seconds: float
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Start the queue-depth sampler and the upload sweep for the app's lifetime."""
    has_redis = client.redis is not None

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        stop = threading.Event()
        if sample_seconds > 0 and has_redis:
            args = (client, sample_seconds, stop)
            threading.Thread(target=_sampler, args=args, daemon=True).start()
        if sweep_seconds > 0 and settings.api_upload_retention == "terminal":
            uploads = (client.repo, settings.state_dir / "uploads", sweep_seconds, stop)
            threading.Thread(target=sweeper, args=uploads, daemon=True).start()
        yield
        stop.set()

    return lifespan


def _token(settings: Settings) -> str | None:
    return settings.api_token.get_secret_value() if settings.api_token else None


def _static(app: FastAPI, require_token: bool) -> None:
    """Serve the dashboard: ``/`` is its page, ``/static`` its scripts and styles."""
    folder = resources.files("docbatch.api").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(folder)), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        page = folder.joinpath("index.html")
        if not page.is_file():
            raise HTTPException(404, "dashboard not installed")
        headers = {"X-Docbatch-Auth": "required" if require_token else "none"}
        response = FileResponse(str(page), media_type="text/html", headers=headers)
        # Read by the dashboard's script and echoed in CSRF_HEADER; SameSite keeps it
        # off cross-site requests, the Host check off rebound names.
        response.set_cookie(
            CSRF_COOKIE, app.state.csrf_token, samesite="strict", httponly=False, path="/"
        )
        return response
