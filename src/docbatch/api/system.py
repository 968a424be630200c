"""Operational endpoints: Prometheus metrics and the health check."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import sqlalchemy as sa
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST

from docbatch.api.schemas import Health
from docbatch.observe.prometheus import ClusterCollector, render_metrics
from docbatch.redis.metrics import MetricsReader, settings_queue_depths

if TYPE_CHECKING:
    from docbatch.client import Docbatch

__all__ = ["build_collector", "health_router", "metrics_router"]

metrics_router = APIRouter()
health_router = APIRouter()


def build_collector(client: Docbatch) -> ClusterCollector:
    """The cluster-wide collector over the client's database, Redis and broker."""
    settings = client.settings
    reader = MetricsReader(client.redis, settings.key_prefix) if client.redis else None
    has_broker = bool(settings.broker_url or settings.redis_url)
    depths = (lambda: settings_queue_depths(settings)) if has_broker else None
    return ClusterCollector(client.repo, reader, depths)


@metrics_router.get("/metrics", response_class=Response)
def metrics(request: Request) -> Response:
    """Prometheus text exposition of cluster-wide figures."""
    body = render_metrics(request.app.state.collector)
    return Response(body, media_type=CONTENT_TYPE_LATEST)


def _check(probe: Callable[[], object]) -> str:
    try:
        probe()
    except Exception as exc:  # reported, not raised: this is the health check
        return f"error: {type(exc).__name__}: {exc}"[:300]
    return "ok"


@health_router.get("/healthz", response_model=Health, responses={503: {"model": Health}})
def healthz(request: Request) -> JSONResponse:
    """Database and Redis reachability; 503 when a configured one is down."""
    client: Docbatch = request.app.state.client

    def database() -> None:
        with client.database.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))

    db_state = _check(database)
    redis_state = "absent" if client.redis is None else _check(client.redis.ping)
    healthy = db_state == "ok" and redis_state in {"ok", "absent"}
    body = Health(status="ok" if healthy else "degraded", database=db_state, redis=redis_state)
    return JSONResponse(body.model_dump(), status_code=200 if healthy else 503)
