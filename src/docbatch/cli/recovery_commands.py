"""The ``recover``, ``analyze``, ``quarantine`` and ``warm`` commands.

They call the same functions a program would (:mod:`docbatch.recovery`,
:mod:`docbatch.engine.quarantine`, :mod:`docbatch.redis.warming`); :func:`register` adds them to the
root ``docbatch`` app.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from docbatch.observe.terminal_text import safe_markup, safe_text

if TYPE_CHECKING:
    from docbatch.client import Docbatch

__all__ = ["register"]

out = Console()
err = Console(stderr=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")]
BatchArg = Annotated[str, typer.Argument(help="Batch id.")]


def _client(ctx: typer.Context) -> Docbatch:
    from docbatch.client import Docbatch

    return Docbatch(ctx.obj)


def recover(
    ctx: typer.Context,
    batch_id: BatchArg,
    all_: Annotated[bool, typer.Option("--all", help="Also data and permanent failures.")] = False,
    category: Annotated[
        list[str] | None, typer.Option("--category", "-c", help="Only this category (repeat).")
    ] = None,
    from_stage: Annotated[
        str | None, typer.Option("--from-stage", help="Restart every document at this stage.")
    ] = None,
    priority: Annotated[
        str, typer.Option("--priority", "-p", help="high, normal or low.")
    ] = "high",
    analyze_only: Annotated[
        bool, typer.Option("--analyze", help="Only list the failures; recover nothing.")
    ] = False,
    workers: Annotated[
        int, typer.Option("--workers", "-w", help="Local workers when no broker is set.")
    ] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Re-run a batch's failed documents in a recovery batch (retryable ones by default).

    With a broker configured the recovery batch is sent to the running workers. In the
    embedded default (no broker) it runs here, on a private Redis and local workers, as
    ``docbatch run`` does, and ends with the recovery batch's summary (exit 3 when some
    document failed again). Nothing is changed when the recovery is refused.
    """
    if analyze_only:
        analyze(ctx, batch_id, as_json)
        return
    from docbatch.errors import NothingToRecoverError

    options: dict[str, Any] = {
        "categories": category, "all_": all_, "from_stage": from_stage, "priority": priority,
    }  # fmt: skip
    settings = ctx.obj
    try:
        if not (settings.broker_url or settings.redis_url):
            _recover_embedded(ctx, batch_id, workers, options, as_json)
            return
        client = _client(ctx)
        batch = client.recover(batch_id, **options)
        client.close()
    except NothingToRecoverError as exc:
        if as_json:
            out.print_json(json.dumps({"batch_id": None, "parent": batch_id, "total": 0}))
        else:
            err.print(str(exc))
        return
    if as_json:
        out.print_json(json.dumps({"batch_id": batch.id, "parent": batch_id, "total": batch.total}))
    else:
        err.print(f"recovering {batch.total} documents of {batch_id} in batch:")
        out.print(batch.id)


def _recover_embedded(
    ctx: typer.Context, batch_id: str, workers: int, options: dict[str, Any], as_json: bool
) -> None:
    """Run the recovery to its end on a private Redis and local workers."""
    import os

    from docbatch.cli.render import summary_table
    from docbatch.local.runner import recover_embedded

    count = workers or os.cpu_count() or 1
    if not as_json:
        err.print(f"recovering the failures of {batch_id} on {count} local workers")
    summary = recover_embedded(ctx.obj, batch_id, workers=count, **options)
    if as_json:
        out.print_json(
            json.dumps({"batch_id": summary.batch_id, "parent": batch_id, **summary.as_dict()})
        )
    else:
        out.print(summary_table(summary.as_dict()))
    raise typer.Exit(summary.exit_code)


def analyze(ctx: typer.Context, batch_id: BatchArg, as_json: JsonOpt = False) -> None:
    """List a batch's failures by category, with counts and examples."""
    from docbatch.recovery import analyze as analyze_failures

    client = _client(ctx)
    report = analyze_failures(client, batch_id)
    client.close()
    if as_json:
        out.print_json(json.dumps(report))
        return
    title = f"failures of {safe_markup(batch_id)}: {report['failed']} of {report['total']}"
    table = Table(title=title)
    for column in ("category", "code", "stage", "count", "retried by default", "example"):
        table.add_column(column)
    for group in report["groups"]:
        example = group["examples"][0] if group["examples"] else {"path": "", "reason": ""}
        table.add_row(
            safe_text(group["category"]), safe_text(group["code"]), safe_text(group["stage"]),
            str(group["count"]), "yes" if group["retryable"] else "no (use --all)",
            safe_text(f"{Path(example['path']).name}: {example['reason'][:80]}"),
        )  # fmt: skip
    out.print(table)


quarantine_app = typer.Typer(help="Documents skipped because they kept failing.")


@quarantine_app.command("list")
def quarantine_list(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help="Every failure record, too.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """List quarantined bytes (sha256), the stage and error, and how often they failed."""
    from docbatch.engine.quarantine import list_quarantined

    client = _client(ctx)
    entries = list_quarantined(client.repo, client.settings.quarantine_threshold, include_all=all_)
    client.close()
    rows: list[dict[str, Any]] = [
        {
            "sha256": e.sha256, "stage": e.stage, "category": e.error_category,
            "code": e.error_code, "count": e.count, "released": e.released,
            "last_seen": e.last_seen.isoformat(), "reason": e.reason,
        }
        for e in entries
    ]  # fmt: skip
    if as_json:
        out.print_json(json.dumps(rows))
        return
    table = Table(title=f"quarantine ({len(rows)})")
    for column in ("sha256", "stage", "error", "count", "last seen", "reason"):
        table.add_column(column)
    for r in rows:
        error = f"{r['category']}/{r['code']}"
        table.add_row(safe_text(r["sha256"]), safe_text(r["stage"]), safe_text(error),
                      str(r["count"]), r["last_seen"][:19],
                      safe_text(str(r["reason"])[:60]))  # fmt: skip
    out.print(table)


@quarantine_app.command("release")
def quarantine_release(
    ctx: typer.Context, sha256: Annotated[str, typer.Argument(help="The bytes' sha256.")]
) -> None:
    """Let quarantined bytes run again (their failure counts restart at zero)."""
    from docbatch.engine.quarantine import release

    client = _client(ctx)
    count = release(client.repo, sha256)
    client.close()
    if not count:
        err.print(f"{sha256} is not quarantined")
        raise typer.Exit(1)
    out.print(f"released {sha256} ({count} entries)")


def warm(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(help="A batch id, or a manifest file.")],
    sync: Annotated[bool, typer.Option("--sync", help="Warm in this process and wait.")] = False,
    allow_root: Annotated[
        list[Path] | None, typer.Option("--allow-root", help="Another folder the manifest may use.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Preload the stage cache from the database for documents already processed."""
    client = _client(ctx)
    manifest = Path(target) if Path(target).is_file() else None
    batch_id = None if manifest else client.get_batch(target).id
    if not sync:
        from docbatch.worker.warm import send_warm

        manifest_text = None if manifest is None else str(manifest.resolve())
        task_id = send_warm(client.app, batch_id=batch_id, manifest=manifest_text)
        client.close()
        if as_json:
            out.print_json(json.dumps({"task_id": task_id, "queued": True}))
        else:
            out.print(f"warming queued on the workers (task {task_id}); --sync waits for it")
        return
    report = client.warm(batch_id=batch_id, manifest=manifest, allow_roots=allow_root or [])
    client.close()
    if as_json:
        out.print_json(json.dumps(report))
    else:
        out.print(
            f"warmed {report['entries']} cache entries for {report['matched']} of "
            f"{report['documents']} documents ({report['missing']} not processed before)"
        )


def register(app: typer.Typer) -> None:
    """Add the recovery, quarantine and warming commands to ``app``."""
    app.command()(recover)
    app.command()(analyze)
    app.command()(warm)
    app.add_typer(quarantine_app, name="quarantine")
