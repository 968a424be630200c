"""CLI commands for watching a deployment: ``report``, ``monitor`` and ``serve``.

Registered on the root app by :func:`register`; like every command they call the
Python API (:class:`docbatch.client.Docbatch`) with the settings built by the CLI root.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from docbatch.errors import ConfigError

if TYPE_CHECKING:
    from docbatch.client import Docbatch

__all__ = ["register"]

out = Console()
err = Console(stderr=True)


def _client(ctx: typer.Context, *, create: bool = True) -> Docbatch:
    from docbatch.client import Docbatch

    return Docbatch(ctx.obj, create=create)


def report(
    ctx: typer.Context,
    batch_id: Annotated[str, typer.Argument(help="Batch id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write an HTML report with charts to FILE.")
    ] = None,
) -> None:
    """Report on a batch: throughput, stage latency, cache, OCR, failures, slowest documents."""
    from docbatch.cli.report_render import report_tables
    from docbatch.observe.report import build_report
    from docbatch.redis.metrics import MetricsReader

    client = _client(ctx, create=False)  # a report reads a run: nothing to create
    batch_id = client.get_batch(batch_id).id  # a prefix will do
    cache = None
    if client.redis is not None:
        try:
            cache = MetricsReader(client.redis, client.settings.key_prefix).batch_cache(batch_id)
        except Exception as exc:  # the report stands on the database alone
            err.print(f"[yellow]cache figures unavailable[/]: {exc}")
    result = build_report(client.repo, batch_id, cache_counts=cache)
    if html is not None:
        from docbatch.observe.report_html import render_html

        html.write_text(render_html(result), encoding="utf-8")
        err.print(f"wrote {html}")
    if as_json:
        out.print_json(json.dumps(result.as_dict(), default=str))
    elif html is None:
        for table in report_tables(result):
            out.print(table)
    client.close()


def monitor(
    ctx: typer.Context,
    refresh: Annotated[float, typer.Option("--refresh", help="Seconds between frames.")] = 2.0,
    once: Annotated[bool, typer.Option("--once", help="Print one frame and exit.")] = False,
) -> None:
    """Live dashboard: batches, throughput, queue depths, workers, latest errors (q quits)."""
    from docbatch.client import Docbatch
    from docbatch.local.embedded import discover_embedded
    from docbatch.observe.monitor import collect_snapshot, render, run_monitor

    settings = ctx.obj
    if settings.redis_url is None and settings.broker_url is None:
        # The embedded default: watch the run in progress in this state folder, if any.
        settings = discover_embedded(settings) or settings
    client = Docbatch(settings)
    try:
        if once:
            out.print(render(collect_snapshot(client)))
        else:
            run_monitor(lambda: collect_snapshot(client), out, refresh=refresh)
    finally:
        client.close()


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
) -> None:
    """Serve the HTTP API, Prometheus metrics and the web dashboard.

    Anywhere but loopback the bearer token DOCBATCH_API_TOKEN is required (the server
    refuses to start without one).
    """
    import uvicorn

    from docbatch.api.app import create_app
    from docbatch.api.auth import is_loopback

    settings = ctx.obj
    loopback = is_loopback(host)
    if not loopback and settings.api_token is None:
        raise ConfigError(
            f"refusing to serve on {host} without a token: set DOCBATCH_API_TOKEN "
            "(or bind to 127.0.0.1)"
        )
    require_token = not loopback or settings.api_token is not None
    app = create_app(settings, require_token=require_token, bind_host=host)
    err.print(f"docbatch API and dashboard on http://{host}:{port}/")
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=False)


def register(app: typer.Typer) -> None:
    """Add the monitoring commands to the root ``docbatch`` app."""
    app.command()(report)
    app.command()(monitor)
    app.command()(serve)
