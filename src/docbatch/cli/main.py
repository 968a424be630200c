"""The ``docbatch`` command line.

Settings are built once here, from the environment, and passed down; every command calls
the same Python API (:class:`docbatch.client.Docbatch`) a program would.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from docbatch.cli.help import PlainGroup, arrange
from docbatch.cli.monitoring import register as register_monitoring
from docbatch.cli.recovery_commands import register as register_recovery_commands
from docbatch.cli.search_commands import register as register_search_commands
from docbatch.errors import DocbatchError, ManifestError
from docbatch.observe.terminal_text import safe_markup
from docbatch.settings import Settings

if TYPE_CHECKING:
    from docbatch.client import Docbatch, Sources
    from docbatch.store.records import BatchRecord

__all__ = ["app", "main"]

app = typer.Typer(
    name="docbatch",
    help="Turn large batches of legal documents into structured data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=PlainGroup,
)
console = Console(stderr=True)
out = Console()

PathsArg = Annotated[
    list[Path] | None, typer.Argument(help="Files or folders (searched recursively).")
]
ManifestOpt = Annotated[
    Path | None,
    typer.Option(
        "--manifest",
        "-m",
        metavar="FILE",
        help='JSON manifest: {"documents": [{"path": ...}]}.',
    ),
]
AllowRootOpt = Annotated[
    list[Path] | None,
    typer.Option("--allow-root", metavar="DIR", help="Another folder manifest paths may use."),
]
PriorityOpt = Annotated[
    str | None, typer.Option("--priority", "-p", metavar="LEVEL", help="high, normal or low.")
]
ProjectOpt = Annotated[
    str | None, typer.Option("--project", metavar="NAME", help="Project the batch belongs to.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")]


def _settings(ctx: typer.Context) -> Settings:
    settings: Settings = ctx.obj
    return settings


def _client(ctx: typer.Context, *, create: bool = True) -> Docbatch:
    from docbatch.client import Docbatch

    return Docbatch(_settings(ctx), create=create)


def _reader(ctx: typer.Context) -> Docbatch:
    """A client for commands that read what runs left: a missing database is an error."""
    return _client(ctx, create=False)


def _sources(
    paths: list[Path] | None, manifest: Path | None, allow_root: list[Path] | None
) -> Sources:
    from docbatch.client import Sources

    if not paths and manifest is None:
        raise ManifestError("give files or folders to process, or --manifest FILE")
    return Sources.from_args(paths or [], manifest=manifest, allow_roots=allow_root or [])


@app.callback()
def root(ctx: typer.Context) -> None:
    """Turn large batches of legal documents into structured data."""
    ctx.obj = Settings.from_env()


@app.command()
def run(
    ctx: typer.Context,
    paths: PathsArg = None,
    manifest: ManifestOpt = None,
    allow_root: AllowRootOpt = None,
    priority: PriorityOpt = None,
    project: ProjectOpt = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            "-w",
            metavar="N",
            show_default=False,
            help="Local worker processes (default 0 = one per CPU).",
        ),
    ] = 0,
    inline: Annotated[
        bool, typer.Option("--inline", help="No Celery: run in this process.")
    ] = False,
    resume: Annotated[
        str | None, typer.Option("--resume", metavar="BATCH", help="Finish an interrupted batch.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Process documents to the end and print a summary (embedded: nothing to install).

    Exit code 0 when every document completed, 3 when some failed, 1 on errors.
    """
    from docbatch.cli.render import BatchProgressBar, summary_table
    from docbatch.local.runner import run_embedded, run_inline

    settings = _settings(ctx)
    sources = None if resume else _sources(paths, manifest, allow_root)
    quiet = as_json or not console.is_terminal
    total = len(sources.documents) if sources else 0
    bar = BatchProgressBar(console, total)
    with bar if not quiet else contextlib.nullcontext():
        if inline:
            from docbatch.client import Docbatch
            from docbatch.heap import settle_heap

            client = Docbatch(settings)
            settle_heap()
            summary = run_inline(
                client,
                sources,
                resume=resume,
                on_step=lambda _d, _s: bar.advance(),
                priority=priority,
                project=project,
            )
            client.close()
        else:
            count = workers or os.cpu_count() or 1
            seen: list[str] = []

            def show(client: Docbatch, batch: BatchRecord) -> None:
                if not seen:
                    seen.append(batch.id)
                ocr = None if quiet else client.repo.ocr_ranges.progress(batch.id)
                bar.update(batch, ocr=ocr)

            try:
                summary = run_embedded(
                    settings,
                    sources,
                    workers=count,
                    resume=resume,
                    on_progress=show,
                    priority=priority,
                    project=project,
                )
            except KeyboardInterrupt:
                batch_hint = seen[0] if seen else "BATCH_ID"
                console.print(
                    f"[yellow]interrupted[/]: workers stopped; finish the batch with "
                    f"docbatch run --resume {batch_hint}"
                )
                raise typer.Exit(130) from None
    if as_json:
        out.print_json(json.dumps(summary.as_dict()))
    else:
        out.print(summary_table(summary.as_dict()))
        if summary.failed:
            from docbatch.cli.render import failures_table
            from docbatch.client import Docbatch
            from docbatch.models import DocumentState

            reader = Docbatch(settings)
            failed = reader.repo.documents.of_batch(summary.batch_id, state=DocumentState.FAILED)
            out.print(failures_table(failed))
            reader.close()
    raise typer.Exit(summary.exit_code)


@app.command()
def submit(
    ctx: typer.Context,
    paths: PathsArg = None,
    manifest: ManifestOpt = None,
    allow_root: AllowRootOpt = None,
    priority: PriorityOpt = None,
    project: ProjectOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Submit a batch to running workers (DOCBATCH_BROKER_URL) and print its id."""
    client = _client(ctx)
    batch = client.submit(_sources(paths, manifest, allow_root), priority=priority, project=project)
    if as_json:
        out.print_json(json.dumps({"batch_id": batch.id, "total": batch.total}))
    else:
        out.print(batch.id)


@app.command()
def status(
    ctx: typer.Context,
    batch_id: Annotated[str, typer.Argument(help="Batch id.")],
    watch: Annotated[bool, typer.Option("--watch", help="Refresh until the batch ends.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Show a batch's progress: counts per state and stage, rate, ETA."""
    import time

    from docbatch.cli.render import status_table

    client = _reader(ctx)
    while True:
        info = client.status(batch_id)
        if as_json:
            out.print_json(json.dumps(info.as_dict(), default=str))
        else:
            out.print(status_table(info))
        if not watch or info.finished:
            break
        time.sleep(2)


@app.command()
def cancel(ctx: typer.Context, batch_id: Annotated[str, typer.Argument(help="Batch id.")]) -> None:
    """Cancel the documents of a batch that have not finished."""
    batch = _reader(ctx).cancel(batch_id)
    out.print(f"batch {batch.id}: {batch.state.value} ({batch.cancelled} documents cancelled)")


@app.command()
def worker(
    ctx: typer.Context,
    queues: Annotated[
        str | None, typer.Option("--queues", "-Q", metavar="QUEUES", help="Comma-separated queues.")
    ] = None,
    concurrency: Annotated[
        int,
        typer.Option(
            "--concurrency",
            "-c",
            metavar="N",
            show_default=False,
            help="Processes running tasks (default 0 = one per CPU).",
        ),
    ] = 0,
    loglevel: Annotated[
        str, typer.Option("--loglevel", "-l", metavar="LEVEL", help="DEBUG, INFO, WARNING...")
    ] = "INFO",
) -> None:
    """Run a Celery worker for DOCBATCH_BROKER_URL (all queues unless --queues)."""
    from docbatch.queues import queue_names
    from docbatch.worker.app import create_app
    from docbatch.worker.privileges import refuse_root

    refuse_root(_settings(ctx))  # before anything connects: a clear message, exit 1
    from docbatch.worker.preload import preload

    celery_app = create_app(_settings(ctx))
    preload(_settings(ctx).pipeline_options())  # before the pool forks: warm processes
    every = ",".join(queue_names(_settings(ctx)))
    argv = ["worker", "--queues", queues or every, "--loglevel", loglevel]
    if concurrency:
        argv += ["--concurrency", str(concurrency)]
    celery_app.worker_main(argv)


@app.command()
def export(
    ctx: typer.Context,
    batch: Annotated[
        str | None, typer.Option("--batch", metavar="BATCH", help="Only this batch.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", metavar="FORMAT", help="jsonl or csv.")] = "jsonl",
    what: Annotated[
        str, typer.Option("--what", metavar="KIND", help="documents, entities or relationships.")
    ] = "documents",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE", help="File (default stdout).")
    ] = None,
    project: ProjectOpt = None,
) -> None:
    """Write results: one record per document, or the project's entity graph."""
    from docbatch.export import export_records

    client = _reader(ctx)
    batch = None if batch is None else client.get_batch(batch).id  # a prefix will do
    handle = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        count = export_records(
            client.repo, handle, what=what, fmt=fmt, batch_id=batch, project=project
        )
    finally:
        if output:
            handle.close()
    console.print(f"exported {count} {what}")


register_monitoring(app)  # report, monitor, serve
register_recovery_commands(app)  # recover, analyze, quarantine, warm
register_search_commands(app)  # search, entity, cites


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    add_help_option=False,
)
def bench(ctx: typer.Context) -> None:
    """Run a benchmark: docbatch bench SCENARIO [options] (from a repository checkout)."""
    checkout = Path(__file__).resolve().parents[3]  # src/docbatch/cli/main.py -> the clone
    if (checkout / "bench" / "__main__.py").is_file() and str(checkout) not in sys.path:
        sys.path.insert(0, str(checkout))
    try:
        from bench.__main__ import main as bench_main
    except ImportError:
        console.print(
            "[red]error:[/] docbatch bench needs the repository's bench/ package; run it "
            "from a clone installed with pip install -e '.[bench]' (python -m bench works too)"
        )
        raise typer.Exit(2) from None
    raise typer.Exit(bench_main(ctx.args))


def _full_batch_id(command: Any) -> Any:
    """``command`` run with its ``batch_id`` argument resolved from a prefix first.

    :func:`docbatch.recovery.analyze` reads the failures by the id it was given, so a
    prefix found the batch but none of its failures; until it uses the resolved batch's
    id, ``recover`` and ``analyze`` are given the full id here.
    """

    @functools.wraps(command)
    def run(ctx: typer.Context, batch_id: str, **options: Any) -> Any:
        client = _reader(ctx)
        try:
            full = client.get_batch(batch_id).id
        finally:
            client.close()
        return command(ctx=ctx, batch_id=full, **options)

    return run


for _info in app.registered_commands:
    if _info.callback is not None and _info.callback.__name__ in ("recover", "analyze"):
        _info.callback = _full_batch_id(_info.callback)

arrange(
    app,
    epilogs={
        "recover": (
            "Needs: the id (or a 6+ character prefix) of a batch with failed documents "
            "(docbatch analyze BATCH lists them), the database that batch ran in "
            "(DOCBATCH_STATE_DIR or DOCBATCH_DATABASE_URL), and a broker "
            "(DOCBATCH_BROKER_URL) with workers running (docbatch worker) to process the "
            "new batch; it prints the new batch's id."
        ),
    },
)


def _terminate(signum: int, frame: Any) -> None:
    # SIGTERM ends a run like Ctrl-C does, so local workers and the private Redis are
    # shut down by the same clean-up code instead of being orphaned.
    raise KeyboardInterrupt


def main() -> None:
    """Entry point: run the app, turning docbatch errors into one readable line."""
    signal.signal(signal.SIGTERM, _terminate)
    try:
        app()
    except DocbatchError as exc:
        console.print(f"[red]error:[/] {safe_markup(exc)}")
        sys.exit(2 if isinstance(exc, ManifestError) else 1)
    except KeyboardInterrupt:
        console.print("[yellow]interrupted[/]; resume with: docbatch run --resume BATCH_ID")
        sys.exit(130)


if __name__ == "__main__":
    main()
